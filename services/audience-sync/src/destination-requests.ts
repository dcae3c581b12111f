import { expectedVersion, required, requiredText } from '@prism/grpc';
import type { DestinationSpec } from '@prism/proto/prism/audience/v1/destinations';
import { propertyPath } from '@prism/rules';
import { z } from 'zod';
import { DEFAULT_META_SCHEMA, DEFAULT_RATE_LIMIT } from './destinations/destination.js';
import { metaSchemaSchema } from './destinations/meta/schema.js';

/** DestinationService's request schemas; every handler parses its request with one first. */

const destinationId = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');
const reference = z.string().trim().min(1, 'is required: an audience id or key').max(100);

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** https, or http to this machine (a local receiver); nothing else leaves Prism unencrypted. */
const webhookUrl = z
  .string()
  .trim()
  .max(2_000)
  // Aborts: the next check reads the URL, which would throw on one that does not parse.
  .refine((text) => URL.canParse(text), { message: 'must be an absolute URL', abort: true })
  .refine((text) => {
    const url = new URL(text);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.has(url.hostname));
  }, 'must be https:// (http:// only to 127.0.0.1 or localhost)');

const digits = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,30}$/, `must be ${what}: digits only`);

const webhook = z.object({ url: webhookUrl }, required());
const meta = z.object(
  {
    adAccountId: digits("the ad account's id without act_"),
    accessToken: z.string().trim().max(1_000),
    customAudienceId: z.union([z.literal(''), digits("the custom audience's id")]),
    schema: z
      .array(z.string())
      .transform((keys) => (keys.length > 0 ? keys : DEFAULT_META_SCHEMA))
      .pipe(metaSchemaSchema),
  },
  required(),
);
const csv = z.object(
  {
    fileName: z
      .string()
      .trim()
      .regex(
        /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/,
        'must be a file name: letters, digits, -, _ and . (no folders)',
      ),
    traitKeys: z.array(propertyPath).max(100, 'must have at most 100 items'),
  },
  required(),
);

/**
 * The spec with its oneofs (ts-proto's `{ $case, value }`) lifted to their fields, so a
 * violation names the proto field (`spec.webhook.url`, `spec.campaign_id`).
 */
const liftOneofs = (input: unknown) => {
  if (typeof input !== 'object' || input === null) return input;
  const { source, settings, ...rest } = input as Partial<DestinationSpec>;
  return {
    ...rest,
    ...(source && { [source.$case]: source.value }),
    ...(settings && { [settings.$case]: settings.value }),
  };
};

const spec = z.preprocess(
  liftOneofs,
  z
    .object({
      name: requiredText(200),
      audience: reference.optional(),
      campaignId: z.string().trim().min(1, 'is required').max(100).optional(),
      webhook: webhook.optional(),
      meta: meta.optional(),
      csv: csv.optional(),
      rateLimitPerSecond: z
        .number()
        .min(0)
        .max(10_000, 'must be at most 10000')
        .transform((rate) => rate || DEFAULT_RATE_LIMIT),
    })
    .superRefine((parsed, ctx) => {
      if (!parsed.audience && !parsed.campaignId)
        ctx.addIssue({
          code: 'custom',
          path: ['audience'],
          message: 'is required: an audience or a campaign_id',
        });
      const kinds = [parsed.webhook, parsed.meta, parsed.csv].filter(Boolean).length;
      if (kinds !== 1)
        ctx.addIssue({
          code: 'custom',
          path: ['webhook'],
          message: 'is required: one of webhook, meta or csv',
        });
    }),
);
export type ParsedSpec = z.infer<typeof spec>;

export const createDestinationRequest = z.object({ spec: spec.superRefine(requireToken) });
export const destinationRequest = z.object({ destinationId });
export const listDestinationsRequest = z.object({ audience: z.string().trim().max(100) });
export const updateDestinationRequest = z.object({ destinationId, spec, expectedVersion });
export const setDestinationEnabledRequest = z.object({ destinationId, enabled: z.boolean() });
export const rotateWebhookSecretRequest = z.object({
  destinationId,
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600, 'must be at most 7 days (604800)')
    .transform((seconds) => seconds || 24 * 3600),
});
export const listDeadLettersRequest = z.object({
  destinationId,
  pageSize: z
    .number()
    .int()
    .min(0)
    .max(1_000, 'must be at most 1000')
    .transform((size) => size || 100),
  pageToken: z.string().max(300),
});
export const replayDeadLettersRequest = z.object({
  destinationId,
  ids: z.array(z.string().max(300)).max(10_000, 'must have at most 10000 items'),
});

/** A new Meta destination needs its access token (an update may leave it out to keep it). */
function requireToken(parsed: ParsedSpec, ctx: z.RefinementCtx): void {
  if (parsed.meta?.accessToken === '')
    ctx.addIssue({ code: 'custom', path: ['meta', 'accessToken'], message: 'is required' });
}
