import type { EventHandler } from '@prism/bus';
import { type CampaignEventData, followCampaigns } from '@prism/campaign';
import { segmentsCleared } from '../events/segment-events.js';
import type { CampaignSegmentsDocument } from '../store/documents.js';
import type { SegmentRepositories } from '../store/repositories.js';

export interface CampaignHandlerDeps {
  repos: SegmentRepositories;
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
    async clear(cause, held, { epoch, reason }) {
      const campaignId = held._id;
      const cleared = segmentsCleared(cause, { campaignId, epoch, reason });
      const set = { ...NOTHING_GENERATED, strategyId: held.strategyId, epoch, updatedAt: now() };
      await campaignSegments.update(cause.space, campaignId, held.version, set, [cleared]);
    },
  });
}
