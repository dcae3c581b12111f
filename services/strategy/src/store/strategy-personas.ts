import { reviseDocument } from '@prism/store';
import { LRUCache } from 'lru-cache';
import type { Collection, Db } from 'mongodb';
import {
  applyPersonaEvent,
  noPersonas,
  type PersonaMembershipEvent,
  type StrategyPersonas,
} from '../domain/strategy-personas.js';

interface StrategyPersonasDocument extends StrategyPersonas {
  _id: string;
  spaceId: string;
  revision?: number;
}

const COLLECTION = 'strategy_personas';

/** How old a persona count shown beside a campaign may be (see `recentCountOf`). */
const RECENT_COUNT = { max: 10_000, ttl: 1_000 };

/**
 * Projection of the persona service's events: the personas each strategy has. Kept apart from
 * the strategy aggregate so persona events never bump the version a user edits against.
 */
export class StrategyPersonaProjection {
  private readonly docs: Collection<StrategyPersonasDocument>;
  private readonly recentCounts = new LRUCache<string, number>(RECENT_COUNT);

  constructor(db: Db) {
    this.docs = db.collection<StrategyPersonasDocument>(COLLECTION);
  }

  async apply(spaceId: string, strategyId: string, event: PersonaMembershipEvent): Promise<void> {
    const applied = await reviseDocument(this.docs, spaceId, strategyId, (current) =>
      applyPersonaEvent(current ?? noPersonas, event),
    );
    if (applied) this.recentCounts.set(`${spaceId}/${strategyId}`, applied.personaIds.length);
  }

  /** The count as stored now: what a rule that depends on it (switching to personas) must read. */
  async countOf(spaceId: string, strategyId: string): Promise<number> {
    const count = (await this.docs.findOne({ _id: strategyId, spaceId }))?.personaIds.length ?? 0;
    this.recentCounts.set(`${spaceId}/${strategyId}`, count);
    return count;
  }

  /**
   * The count for display (which approaches a campaign offers), at most a second old: this
   * process's own updates show at once, another replica's within the second. The projection
   * itself trails the persona service by its events' delay, so a busy campaign's every reply
   * need not read it again.
   */
  async recentCountOf(spaceId: string, strategyId: string): Promise<number> {
    return this.recentCounts.get(`${spaceId}/${strategyId}`) ?? this.countOf(spaceId, strategyId);
  }
}
