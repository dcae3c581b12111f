import type { PrismEvent } from '@prism/bus';
import { writeAtEpoch } from '@prism/campaign';
import type { AggregateDocument } from '@prism/store';
import type { CampaignSegmentsDocument } from './documents.js';
import type { SegmentRepositories } from './repositories.js';

export type GenerationFields = Omit<CampaignSegmentsDocument, keyof AggregateDocument>;

/** Makes `generation` the campaign's segments in one document write with its events. */
export async function replaceGeneration(
  repos: SegmentRepositories,
  spaceId: string,
  campaignId: string,
  generation: GenerationFields,
  events: PrismEvent[],
): Promise<void> {
  const { campaignSegments, segmentRefs } = repos;
  // Refs first: a ref to a generation that never became current resolves to NOT_FOUND.
  if (generation.segments.length > 0) {
    await segmentRefs.insertMany(
      generation.segments.map((segment) => ({
        _id: segment.id,
        spaceId,
        campaignId,
        generationId: generation.generationId,
      })),
    );
  }
  const target = { spaceId, campaignId, what: 'its segments were stored' };
  await writeAtEpoch(campaignSegments, target, generation, events);
}
