import { DocumentLocks, SpaceScopedCollection } from '@prism/store';
import type { Db } from 'mongodb';
import type { CampaignDocument, StrategyDocument } from './documents.js';

export interface StrategyRepositories {
  strategies: SpaceScopedCollection<StrategyDocument>;
  campaigns: SpaceScopedCollection<CampaignDocument>;
  /** Collections whose documents carry an outbox, for the relay. */
  outboxCollections: string[];
  locks: DocumentLocks;
}

export async function openRepositories(db: Db): Promise<StrategyRepositories> {
  const locks = new DocumentLocks(db);
  const strategies = new SpaceScopedCollection(
    db.collection<StrategyDocument>('strategies'),
    'strategy',
    locks,
  );
  const campaigns = new SpaceScopedCollection(
    db.collection<CampaignDocument>('campaigns'),
    'campaign',
    locks,
  );
  await strategies.ensureIndexes();
  await campaigns.ensureIndexes([{ strategyId: 1 }]);
  return {
    strategies,
    campaigns,
    outboxCollections: ['strategies', 'campaigns'],
    locks,
  };
}
