import { pageRequest, requiredText } from '@prism/grpc';
import { z } from 'zod';
import { protoComputedTraitDefinition } from './domain/computed/index.js';
import { protoConditionList } from './domain/conditions-proto.js';

/** Request schemas of the Profile API: every handler parses its request with one of these first. */

const lookup = requiredText(400);
const traitKey = z.string().trim().min(1).max(200);

export const MAX_INGEST_MESSAGES = 1000;

export const ingestRequest = z.object({
  messages: z
    .array(z.record(z.string(), z.unknown()))
    .min(1, 'must contain at least one message')
    .max(MAX_INGEST_MESSAGES, `must have at most ${MAX_INGEST_MESSAGES} messages (send several requests)`),
});

export const getProfileRequest = z.object({
  lookup,
  traitKeys: z.array(traitKey).max(200, 'must have at most 200 items'),
});

// Event pages are offsets into a profile's history, newest first.
const eventPageToken = z.string().transform((token, ctx) => {
  if (token === '') return 0;
  const offset = Number(
    Buffer.from(token, 'base64url')
      .toString('utf8')
      .replace(/^events:/, ''),
  );
  if (!Number.isSafeInteger(offset) || offset < 0)
    ctx.addIssue({ code: 'custom', message: 'is not a token this API issued' });
  return offset;
});

export const eventPageTokenAfter = (offset: number | undefined) =>
  offset === undefined ? '' : Buffer.from(`events:${offset}`, 'utf8').toString('base64url');

export const listProfileEventsRequest = z.object({
  lookup,
  pageSize: pageRequest.pageSize,
  pageToken: eventPageToken,
  name: z.string().trim().max(200),
});

export const searchProfilesRequest = z.object({
  conditions: protoConditionList,
  ...pageRequest,
});

export const exportProfilesRequest = z.object({
  traitKeys: z.array(requiredText(200)).max(500, 'must have at most 500 keys'),
  batchSize: z
    .number()
    .int()
    .min(0)
    .max(10_000, 'must be at most 10000')
    .transform((size) => size || 1000),
});

export const deleteProfileRequest = z.object({ lookup });

export const suppressIdentifierRequest = z.object({ identifier: lookup, deleteProfile: z.boolean() });

export const createComputedTraitRequest = z.object({ definition: protoComputedTraitDefinition });

export const deleteComputedTraitRequest = z.object({ key: requiredText(64) });
