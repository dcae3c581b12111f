import type { EventHandler } from '@prism/bus';
import { type CampaignEventData, followCampaigns } from '@prism/campaign';
import type { OutboxDocumentRef } from '@prism/store';
import { segmentsCleared } from '../events/segment-events.js';
import type { CampaignSegmentsDocument } from '../store/documents.js';
import type { SegmentRepositories } from '../store/repositories.js';

export interface CampaignHandlerDeps {
  repos: SegmentRepositories;
  eventsQueued: (document: OutboxDocumentRef) => void;
  clock?: () => Date;
}

const NOTHING_GENERATED = { strategyId: '', generationId: '', segments: [], populationSize: 0, context: '' };

/** Keeps `campaign_states` current and clears segments the campaign has left behind. */
export function campaignEventHandler(deps: CampaignHandlerDeps): EventHandler<CampaignEventData> {
  const { campaignStates, campaignSegments } = deps.repos;
  const now = deps.clock ?? (() => new Date());
  return followCampaigns<CampaignSegmentsDocument>(campaignStates, {
    find: async (space, campaignId) => (await campaignSegments.find(space, campaignId)) ?? undefined,
    selectionOf: (held) => ({ size: held.segments.length, epoch: held.epoch }),
    async startAt(space, campaignId, epoch) {
      const doc = { _id: campaignId, ...NOTHING_GENERATED, epoch, updatedAt: now() };
      await campaignSegments.insert(space, doc, []);
    },
    async advance(space, held, epoch) {
      await campaignSegments.update(space, held._id, held.version, { epoch, updatedAt: now() }, []);
    },
    async clear(event, held, { epoch, reason }) {
      const space = event.prismspace;
      const campaignId = held._id;
      const cleared = segmentsCleared(
        { space, traceparent: event.traceparent },
        { campaignId, epoch, reason },
      );
      const set = { ...NOTHING_GENERATED, strategyId: held.strategyId, epoch, updatedAt: now() };
      await campaignSegments.update(space, campaignId, held.version, set, [cleared]);
      deps.eventsQueued({ collection: 'campaign_segments', spaceId: space, id: campaignId });
    },
  });
}
