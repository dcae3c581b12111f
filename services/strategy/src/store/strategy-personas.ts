import { reviseDocument } from '@prism/store';
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

/**
 * Projection of the persona service's events: the personas each strategy has. Kept apart from
 * the strategy aggregate so persona events never bump the version a user edits against.
 */
export class StrategyPersonaProjection {
  private readonly docs: Collection<StrategyPersonasDocument>;

  constructor(db: Db) {
    this.docs = db.collection<StrategyPersonasDocument>(COLLECTION);
  }

  async apply(spaceId: string, strategyId: string, event: PersonaMembershipEvent): Promise<void> {
    await reviseDocument(this.docs, spaceId, strategyId, (current) =>
      applyPersonaEvent(current ?? noPersonas, event),
    );
  }

  async countOf(spaceId: string, strategyId: string): Promise<number> {
    return (await this.docs.findOne({ _id: strategyId, spaceId }))?.personaIds.length ?? 0;
  }
}
