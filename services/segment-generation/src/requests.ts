import { expectedEpoch, resourceId, trimmed } from '@prism/grpc';
import { z } from 'zod';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

export const MAX_CONTEXT_LENGTH = 300;

export const generateSegmentsRequest = z.object({
  campaignId: resourceId,
  expectedEpoch,
  context: trimmed(MAX_CONTEXT_LENGTH),
  segmentCount: z
    .number()
    .int()
    .refine((count) => count === 0 || (count >= 2 && count <= 10), 'must be 2–10, or 0 to choose 3–5')
    .transform((count) => (count === 0 ? undefined : count)),
  seed: z
    .number()
    .int()
    .min(0)
    .max(0xffffffff)
    .transform((seed) => seed || 1),
});

export const listCampaignSegmentsRequest = z.object({ campaignId: resourceId });

export const getSegmentRequest = z.object({ segmentId: resourceId });
