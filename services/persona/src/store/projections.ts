import { insertIfAbsent } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import type { StrategyRefDocument } from './documents.js';

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
