import { expectedVersion, pageRequest, protoEnum, resourceId, trimmed } from '@prism/grpc';
import { z } from 'zod';
import { IDENTIFIER_TYPE } from '../domain/identity/identifier.js';
import { identityRulesSchema } from '../domain/identity/rules.js';
import { keyKindFromProto } from './mapping.js';
import { MAX_GRACE_SECONDS, rulesInputOf, SPACE_ID, type StoredIdentityRules } from './space.js';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

const spaceId = z
  .string()
  .regex(SPACE_ID, 'must be 3 to 40 lower-case letters, digits and "-", not starting or ending with "-"');

/** Each type at most once: the rules keep one limit per type, so a repeat would silently lose. */
const limits = z
  .array(
    z.object({
      type: z.string().regex(IDENTIFIER_TYPE, 'must be 1 to 64 of a-z, 0-9, "_", "." and "-"'),
      maxValues: z.number(),
    }),
  )
  .superRefine((list, ctx) => {
    list.forEach(({ type }, i) => {
      if (list.findIndex((limit) => limit.type === type) !== i)
        ctx.addIssue({ code: 'custom', message: `repeats ${type}`, path: [i, 'type'] });
    });
  });

/**
 * The proto message in its stored form. Unset means the defaults. proto3 cannot tell an empty list
 * from an absent one, so empty `blocked_values` and `priority` also mean the defaults: nobody means
 * "block nothing" by omission, and an empty priority order is meaningless. `max_merges_per_profile`
 * 0 is "no cap", as the API documents.
 */
const identityRules = z
  .object({
    blockedValues: z.array(z.string()),
    limits,
    priority: z.array(z.string()),
    maxMergesPerProfile: z.number(),
  })
  .optional()
  .transform((rules): StoredIdentityRules => {
    if (!rules) return {};
    const { blockedValues, priority, ...rest } = rules;
    return {
      ...rest,
      ...(blockedValues.length > 0 && { blockedValues }),
      ...(priority.length > 0 && { priority }),
    };
  })
  // The schema `parseIdentityRules` applies, here so its violations come with the request's others.
  .superRefine((rules, ctx) => {
    for (const { message, path } of identityRulesSchema.safeParse(rulesInputOf(rules)).error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message, path: listPath(rules, path) });
    }
  });

/** The rules hold `limits` by type (`limits.email`); the caller sent a list (`limits[1].max_values`). */
function listPath(rules: StoredIdentityRules, path: PropertyKey[]): PropertyKey[] {
  const [field, type] = path;
  if (field !== 'limits' || rules.limits === undefined) return path;
  return ['limits', rules.limits.findIndex((limit) => limit.type === type), 'maxValues'];
}

const keyKind = protoEnum(keyKindFromProto, 'KEY_KIND_WRITE, KEY_KIND_API');

export const createSpaceRequest = z.object({ spaceId, displayName: trimmed(200), identityRules });
export const getSpaceRequest = z.object({ spaceId });
export const listSpacesRequest = z.object(pageRequest);
export const issueKeyRequest = z.object({ spaceId, kind: keyKind });
export const rotateKeyRequest = z.object({
  spaceId,
  keyId: resourceId,
  graceSeconds: z
    .number()
    .int()
    .min(0)
    .max(MAX_GRACE_SECONDS, `must be at most ${MAX_GRACE_SECONDS} (7 days)`),
});
export const revokeKeyRequest = z.object({ spaceId, keyId: resourceId });
export const updateIdentityRulesRequest = z.object({ spaceId, identityRules, expectedVersion });
