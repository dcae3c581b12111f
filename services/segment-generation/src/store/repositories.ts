import { CampaignStates } from '@prism/campaign';
import { AggregateStorage, SpaceScopedCollection } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import type { CampaignSegmentsDocument, SegmentRefDocument } from './documents.js';

export interface SegmentRepositories {
  campaignSegments: SpaceScopedCollection<CampaignSegmentsDocument>;
  segmentRefs: Collection<SegmentRefDocument>;
  campaignStates: CampaignStates;
  /** Shared with the outbox relay. */
  storage: AggregateStorage;
}

export async function openRepositories(db: Db): Promise<SegmentRepositories> {
  const storage = new AggregateStorage(db);
  const campaignSegments = new SpaceScopedCollection(
    db.collection<CampaignSegmentsDocument>('campaign_segments'),
    'campaign segments',
    storage,
  );
  await campaignSegments.ensureIndexes();
  return {
    campaignSegments,
    segmentRefs: db.collection<SegmentRefDocument>('segment_refs'),
    campaignStates: new CampaignStates(db),
    storage,
  };
}
