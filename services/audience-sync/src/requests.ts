import { expectedVersion, pageRequest, required, requiredText, trimmed } from '@prism/grpc';
import { AudienceKind } from '@prism/proto/prism/audience/v1/audience';
import type { Rule as ProtoRule } from '@prism/proto/prism/rules/v1/rule';
import { audienceKeySchema, propertyPath, type Rule, ruleFromProto } from '@prism/rules';
import { z } from 'zod';
import { LOOKALIKE_PERCENT } from './domain/lookalike.js';
import type { MemberOrder } from './index/member-order.js';
import { readMemberPageToken } from './member-page-token.js';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

/** An audience by id or key. */
const audienceRef = z
  .string()
  .trim()
  .min(1, 'is required: an audience id or key')
  .max(100, 'must be at most 100 characters');

/** A rule in its proto form, read into the domain's (paths of its violations are proto paths). */
export const ruleField = (field: string) =>
  z
    .custom<ProtoRule>()
    .transform((proto): Rule | undefined => (proto?.node ? ruleFromProto(proto, field) : undefined));

const kind = z.number().transform((value, ctx) => {
  if (value === AudienceKind.AUDIENCE_KIND_DYNAMIC) return 'dynamic' as const;
  if (value === AudienceKind.AUDIENCE_KIND_STATIC) return 'static' as const;
  if (value === AudienceKind.AUDIENCE_KIND_LOOKALIKE) return 'lookalike' as const;
  ctx.addIssue({
    code: 'custom',
    message: `must be DYNAMIC, STATIC or LOOKALIKE (got ${value}); campaign audiences come from campaigns`,
  });
  return 'dynamic' as const;
});

const { min, max } = LOOKALIKE_PERCENT;
/** A lookalike's seed (checked against the space later) and its whole percent of non-members. */
const lookalikeSpec = z
  .object(
    {
      seedAudienceKey: audienceKeySchema,
      percent: z
        .number()
        .int(`must be a whole percent, ${min} to ${max}`)
        .min(min, `must be ${min} to ${max} (percent of the seed's non-members)`)
        .max(max, `must be ${min} to ${max} (percent of the seed's non-members)`),
    },
    required(),
  )
  .transform(({ seedAudienceKey, percent }) => ({ seedKey: seedAudienceKey, percent }));

const audienceSpec = z
  .object(
    {
      key: audienceKeySchema,
      name: requiredText(200),
      description: trimmed(1000),
      kind,
      rule: ruleField('spec.rule').optional(),
      lookalike: lookalikeSpec.optional(),
    },
    required(),
  )
  .superRefine((spec, ctx) => {
    if (spec.kind === 'dynamic' && !spec.rule)
      ctx.addIssue({ code: 'custom', path: ['rule'], message: 'is required for a DYNAMIC audience' });
    if (spec.kind !== 'dynamic' && spec.rule)
      ctx.addIssue({
        code: 'custom',
        path: ['rule'],
        message: `must be empty for a ${spec.kind.toUpperCase()} audience`,
      });
    if (spec.kind === 'lookalike' && !spec.lookalike)
      ctx.addIssue({
        code: 'custom',
        path: ['lookalike'],
        message: 'is required for a LOOKALIKE audience: its seed audience key and percent',
      });
    if (spec.kind !== 'lookalike' && spec.lookalike)
      ctx.addIssue({ code: 'custom', path: ['lookalike'], message: 'is only for a LOOKALIKE audience' });
  });

export const createAudienceRequest = z.object({ spec: audienceSpec });
export const audienceRequest = z.object({ audience: audienceRef });
export const listAudiencesRequest = z.object({
  ...pageRequest,
  includeCampaignAudiences: z.boolean(),
});
export const updateAudienceRequest = z.object({
  audience: audienceRef,
  name: requiredText(200),
  description: trimmed(1000),
  rule: ruleField('rule').optional(),
  expectedVersion,
});
export const deleteAudienceRequest = z.object({ audience: audienceRef, expectedVersion });
/** A trait path to sort members by; empty sorts them by profile id. */
const sortBy = z.preprocess(
  (path) => (typeof path === 'string' && path.trim() === '' ? undefined : path),
  propertyPath.optional(),
);
export const listMembersRequest = z
  .object({
    audience: audienceRef,
    pageSize: z
      .number()
      .int()
      .min(0)
      .max(1000, 'must be at most 1000')
      .transform((size) => size || 100),
    pageToken: z.string(),
    sortBy,
    descending: z.boolean(),
  })
  .superRefine(({ sortBy, descending }, ctx) => {
    if (descending && !sortBy)
      ctx.addIssue({
        code: 'custom',
        path: ['descending'],
        message: 'needs sort_by: profile ids sort ascending',
      });
  })
  // Members are paged after the last one shown (keyset), in profile-id order without sort_by.
  .transform(({ pageToken, sortBy, descending, ...request }, ctx) => {
    const order: MemberOrder = { path: sortBy ?? '', descending };
    const start = readMemberPageToken(pageToken, order);
    if ('problem' in start) ctx.addIssue({ code: 'custom', path: ['pageToken'], message: start.problem });
    return { ...request, order, after: 'after' in start ? start.after : undefined };
  });
export const checkMembershipRequest = z.object({
  audience: audienceRef,
  profile: z.string().trim().min(1, 'is required: a profile id or type:value').max(300),
});
export const membersRequest = z.object({
  audience: audienceRef,
  identifiers: z
    .array(z.string().max(300))
    .min(1, 'must name at least one person')
    .max(10_000, 'must have at most 10000 items'),
});
export const importMembersRequest = z.object({
  audience: audienceRef,
  csv: z.string().min(1, 'is required').max(20_000_000, 'must be at most 20 MB; split the file'),
});
export const audienceAnalyticsRequest = z.object({
  audience: audienceRef,
  days: z
    .number()
    .int()
    .min(0)
    .max(366, 'must be at most 366')
    .transform((days) => days || 30),
});
export const exportMembersRequest = z.object({
  audience: audienceRef,
  traitKeys: z.array(propertyPath).max(200, 'must have at most 200 trait paths'),
  batchSize: z
    .number()
    .int()
    .min(0)
    .max(10_000, 'must be at most 10000')
    .transform((size) => size || 1000),
});
export const campaignAudienceRequest = z.object({
  campaignId: z.string().min(1, 'is required').max(100),
});
const traitPath = z
  .string()
  .trim()
  .max(200)
  .regex(/^$|^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/, 'must be a trait key or dotted path');
export const setTraitMappingRequest = z.object({
  mapping: z.object(
    {
      age: traitPath,
      gender: traitPath,
      country: traitPath,
      city: traitPath,
      incomeBand: traitPath,
      occupation: traitPath,
    },
    required(),
  ),
});
export const previewAudienceRequest = z.object({
  rule: ruleField('rule').transform((rule, ctx) => {
    if (rule) return rule;
    ctx.addIssue({ code: 'custom', message: 'is required: the rule to preview' });
    return z.NEVER;
  }),
  sampleSize: z
    .number()
    .int()
    .min(0)
    .max(100, 'must be at most 100')
    .transform((size) => size || 10),
});
export const explainMembershipRequest = checkMembershipRequest;
export const audienceOverlapRequest = z.object({ audience: audienceRef, other: audienceRef });
export const countPersonaProfilesRequest = z.object({
  personaIds: z
    .array(z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'))
    .min(1, 'must name at least one persona')
    .max(100, 'must have at most 100 items'),
});
