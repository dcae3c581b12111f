import { reviseDocument } from '@prism/store';
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
  revision?: number;
}

/** `campaign_states`: a campaign's step-3 state as the following service last learned it. */
export class CampaignStates {
  private readonly states: Collection<CampaignStateDocument>;

  constructor(db: Db) {
    this.states = db.collection<CampaignStateDocument>('campaign_states');
  }

  async find(spaceId: string, campaignId: string): Promise<CampaignState | undefined> {
    const doc = await this.states.findOne({ _id: campaignId, spaceId });
    return doc ? stateOf(doc) : undefined;
  }

  /**
   * Applies the event if it is not stale, as one conditional write (two consumer replicas racing
   * on one campaign retry on fresh state). Returns the state after it, undefined if stale.
   */
  async apply(spaceId: string, campaignId: string, event: CampaignEvent): Promise<CampaignState | undefined> {
    let applied: CampaignState | undefined;
    await reviseDocument(this.states, spaceId, campaignId, (current) => {
      applied = applyCampaignEvent(current && stateOf(current), event);
      return applied;
    });
    return applied;
  }
}

function stateOf(doc: CampaignStateDocument): CampaignState {
  return {
    approach: doc.approach,
    epoch: doc.epoch,
    ...(doc.strategyId && { strategyId: doc.strategyId }),
    ...(doc.deleted && { deleted: true }),
  };
}
