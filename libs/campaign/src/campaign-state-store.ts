import type { DocumentLocks } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import { type Approach, applyCampaignEvent, type CampaignEvent, type CampaignState } from './epoch-rule.js';

/** Projection of the strategy service's campaign events (not an aggregate: no outbox, no version). */
export interface CampaignStateDocument {
  _id: string;
  spaceId: string;
  strategyId?: string;
  approach: Approach;
  epoch: number;
  deleted?: boolean;
}

/** `campaign_states`: a campaign's step-3 state as the following service last learned it. */
export class CampaignStates {
  private readonly states: Collection<CampaignStateDocument>;

  constructor(
    db: Db,
    private readonly locks: DocumentLocks,
  ) {
    this.states = db.collection<CampaignStateDocument>('campaign_states');
  }

  async find(spaceId: string, campaignId: string): Promise<CampaignState | undefined> {
    const doc = await this.states.findOne({ _id: campaignId, spaceId });
    if (!doc) return undefined;
    return {
      approach: doc.approach,
      epoch: doc.epoch,
      ...(doc.strategyId && { strategyId: doc.strategyId }),
      ...(doc.deleted && { deleted: true }),
    };
  }

  /**
   * Applies the event under the document's lock (FerretDB updates are read-modify-write, so a
   * second consumer replica must not interleave). Returns the state after it, undefined if stale.
   */
  async apply(spaceId: string, campaignId: string, event: CampaignEvent): Promise<CampaignState | undefined> {
    return this.locks.withLock('campaign_states', spaceId, campaignId, async () => {
      const next = applyCampaignEvent(await this.find(spaceId, campaignId), event);
      if (next)
        await this.states.replaceOne({ _id: campaignId, spaceId }, { spaceId, ...next }, { upsert: true });
      return next;
    });
  }
}
