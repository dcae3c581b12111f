import { type DocumentLocks, insertIfAbsent } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import { applyCampaignEvent, type CampaignEvent, type CampaignState } from '../domain/campaign-state.js';
import type { CampaignStateDocument, StrategyRefDocument } from './documents.js';

/** `campaign_states`: the campaign's step-3 state as this service last learned it. */
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

/** `strategy_refs`: strategy ids learned from strategy events; a deletion is final. */
export class StrategyRefs {
  private readonly refs: Collection<StrategyRefDocument>;

  constructor(db: Db) {
    this.refs = db.collection<StrategyRefDocument>('strategy_refs');
  }

  async statusOf(spaceId: string, strategyId: string): Promise<'live' | 'deleted' | 'unknown'> {
    const ref = await this.refs.findOne({ _id: strategyId, spaceId });
    if (!ref) return 'unknown';
    return ref.deleted ? 'deleted' : 'live';
  }

  /** An insert never overwrites, so a late strategy.created cannot revive a deleted strategy. */
  async learned(spaceId: string, strategyId: string): Promise<void> {
    await insertIfAbsent(this.refs, { _id: strategyId, spaceId, deleted: false });
  }

  async deleted(spaceId: string, strategyId: string): Promise<void> {
    await this.refs.updateOne({ _id: strategyId, spaceId }, { $set: { deleted: true } }, { upsert: true });
  }
}
