import type { PrismEvent } from '@prism/bus';
import { COMMAND_WRITE_ATTEMPTS, requireNotSuperseded } from '@prism/campaign';
import { Aborted, AlreadyExists } from '@prism/errors';
import type { AggregateDocument } from '@prism/store';
import type { CampaignSegmentsDocument } from './documents.js';
import type { SegmentRepositories } from './repositories.js';

export type GenerationFields = Omit<CampaignSegmentsDocument, keyof AggregateDocument>;

/**
 * Makes `generation` the campaign's segments in one document write with its events. The campaign
 * consumer also writes the document (clears, newer epochs), so a version conflict alone does not
 * make the job stale: only a newer epoch does. Re-read and retry.
 */
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
  for (let attempt = 1; ; attempt++) {
    const current = await campaignSegments.find(spaceId, campaignId);
    requireNotSuperseded(current ?? undefined, generation.epoch);
    try {
      if (current) await campaignSegments.update(spaceId, campaignId, current.version, generation, events);
      else await campaignSegments.insert(spaceId, { _id: campaignId, ...generation }, events);
      return;
    } catch (error) {
      if (!(error instanceof Aborted || error instanceof AlreadyExists)) throw error;
      if (attempt === COMMAND_WRITE_ATTEMPTS) {
        throw new Aborted('The campaign kept changing while its segments were stored; reload it and retry.');
      }
    }
  }
}
