import { AggregateStorage, SpaceScopedCollection } from '@prism/store';
import type { Db } from 'mongodb';
import { AudienceSelectionProjection } from './audience-selections.js';
import type { CampaignDocument, StrategyDocument } from './documents.js';
import { StrategyPersonaProjection } from './strategy-personas.js';

export interface StrategyRepositories {
  strategies: SpaceScopedCollection<StrategyDocument>;
  campaigns: SpaceScopedCollection<CampaignDocument>;
  /** Personas per strategy, from persona events. */
  personas: StrategyPersonaProjection;
  /** Each campaign's selected personas or generated segments, from their services' events. */
  selections: AudienceSelectionProjection;
  /** Shared with the outbox relay. */
  storage: AggregateStorage;
}

export async function openRepositories(db: Db): Promise<StrategyRepositories> {
  const storage = new AggregateStorage(db);
  const strategies = new SpaceScopedCollection(
    db.collection<StrategyDocument>('strategies'),
    'strategy',
    storage,
  );
  const campaigns = new SpaceScopedCollection(
    db.collection<CampaignDocument>('campaigns'),
    'campaign',
    storage,
  );
  await strategies.ensureIndexes();
  await campaigns.ensureIndexes([{ strategyId: 1 }]);
  const personas = new StrategyPersonaProjection(db);
  const selections = new AudienceSelectionProjection(db);
  return { strategies, campaigns, personas, selections, storage };
}
