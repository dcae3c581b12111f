import type { PrismEvent } from '@prism/bus';
import { writeAtEpoch } from '@prism/campaign';
import { Aborted } from '@prism/errors';
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
  await writeAtEpoch(
    campaignSegments,
    target,
    generation,
    () => events,
    (current) => {
      if (supersedes(current, generation)) throw new Aborted(NEWER_GENERATION_STORED);
    },
  );
}

const NEWER_GENERATION_STORED =
  'A newer generation of this campaign was stored while this one ran; it stays the campaign’s segments.';

/**
 * Of two generations under one epoch the later click wins (ids are UUIDv7, ordered by start),
 * whichever finishes last: the rule every follower of segments.generated applies too.
 */
export const supersedes = (stored: GenerationFields, next: GenerationFields): boolean =>
  stored.epoch === next.epoch && stored.generationId > next.generationId;
