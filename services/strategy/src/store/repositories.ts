import { AggregateStorage, SpaceScopedCollection } from '@prism/store';
import type { Db } from 'mongodb';
import type { CampaignDocument, StrategyDocument } from './documents.js';

export interface StrategyRepositories {
  strategies: SpaceScopedCollection<StrategyDocument>;
  campaigns: SpaceScopedCollection<CampaignDocument>;
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
  return { strategies, campaigns, storage };
}
