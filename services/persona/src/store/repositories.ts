import { CampaignStates } from '@prism/campaign';
import { AggregateStorage, SpaceScopedCollection } from '@prism/store';
import type { Db } from 'mongodb';
import type { PersonaDocument, SelectionDocument } from './documents.js';
import { StrategyRefs } from './projections.js';

export interface PersonaRepositories {
  personas: SpaceScopedCollection<PersonaDocument>;
  selections: SpaceScopedCollection<SelectionDocument>;
  campaignStates: CampaignStates;
  strategyRefs: StrategyRefs;
  /** Shared with the outbox relay. */
  storage: AggregateStorage;
}

export async function openRepositories(db: Db): Promise<PersonaRepositories> {
  const storage = new AggregateStorage(db);
  const personas = new SpaceScopedCollection(db.collection<PersonaDocument>('personas'), 'persona', storage);
  const selections = new SpaceScopedCollection(
    db.collection<SelectionDocument>('campaign_selections'),
    'campaign selection',
    storage,
  );
  await personas.ensureIndexes([{ strategyId: 1 }]);
  // Persona deletions look up the selections that hold a persona.
  await selections.ensureIndexes([{ personaIds: 1 }]);
  return {
    personas,
    selections,
    campaignStates: new CampaignStates(db),
    strategyRefs: new StrategyRefs(db),
    storage,
  };
}
