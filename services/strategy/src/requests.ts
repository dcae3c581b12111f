import { z } from 'zod';
import { APPROACHES, type Approach } from './domain/campaign.js';
import { approachFromProto, genderFromProto } from './mapping.js';
import type { GenderName } from './store/documents.js';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

const required = (what = 'is required') => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? what : undefined),
});

const trimmed = (max: number) => z.string().trim().max(max, `must be at most ${max} characters`);
const requiredName = trimmed(200).min(1, 'must not be empty');
const items = (max: number, maxItems: number) =>
  z.array(trimmed(max).min(1, 'must not be empty')).max(maxItems, `must have at most ${maxItems} items`);

const resourceId = z
  .string()
  .min(1, 'is required')
  .max(100, 'must be at most 100 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"');

const spaceId = z
  .string()
  .regex(/^([a-z0-9][a-z0-9_-]{0,62})?$/, 'must be a space id: lowercase letters, digits, "_" or "-"');

const gender = z.number().transform((value, ctx): GenderName => {
  const name = genderFromProto(value);
  if (!name) ctx.addIssue({ code: 'custom', message: `unknown gender ${value}` });
  return name ?? 'FEMALE';
});

const approach = z.number().transform((value, ctx): Approach => {
  const name = approachFromProto(value);
  if (!name)
    ctx.addIssue({ code: 'custom', message: `must be one of ${APPROACHES.join(', ')} (got ${value})` });
  return name ?? 'NONE';
});

const ageRange = z
  .object({ min: z.number().int().min(0).max(120), max: z.number().int().min(0).max(120) })
  .refine((range) => range.min <= range.max, { message: 'min must not exceed max', path: ['max'] });

const targetAudience = z.object({
  ageRanges: z.array(ageRange).max(10, 'must have at most 10 items'),
  genders: z
    .array(gender)
    .max(3)
    .refine((list) => new Set(list).size === list.length, 'must not repeat a gender'),
  locations: items(100, 50),
  interests: items(100, 50),
  behaviours: items(100, 50),
  painPoints: items(300, 50),
});

const emptyAudience = {
  ageRanges: [],
  genders: [],
  locations: [],
  interests: [],
  behaviours: [],
  painPoints: [],
};

const strategySpec = z.object(
  {
    name: requiredName,
    brand: trimmed(200),
    products: items(200, 50),
    objectives: items(500, 20),
    targetAudience: targetAudience.optional().transform((audience) => audience ?? emptyAudience),
    profileSpaceId: spaceId,
  },
  required(),
);

const expectedEpoch = z.number().int().min(1, 'is required: send the epoch you last read');
const expectedVersion = z.number().int().min(0);

/** Opaque page tokens: base64url of the last id of the previous page. */
const pageToken = z.string().transform((token, ctx) => {
  if (token === '') return undefined;
  const after = Buffer.from(token, 'base64url').toString('utf8');
  if (!resourceId.safeParse(after).success)
    ctx.addIssue({ code: 'custom', message: 'is not a token this API issued' });
  return after;
});
export const pageTokenAfter = (lastId: string | undefined) =>
  lastId ? Buffer.from(lastId, 'utf8').toString('base64url') : '';

const page = {
  pageSize: z
    .number()
    .int()
    .min(0)
    .max(100, 'must be at most 100')
    .transform((size) => size || 20),
  pageToken,
};

export const createStrategyRequest = z.object({ spec: strategySpec });
export const getStrategyRequest = z.object({ strategyId: resourceId });
export const listStrategiesRequest = z.object(page);
export const updateStrategyRequest = z.object({
  strategyId: resourceId,
  spec: strategySpec,
  expectedVersion,
});
export const deleteStrategyRequest = z.object({ strategyId: resourceId, expectedVersion });

export const createCampaignRequest = z.object({ name: requiredName });
export const getCampaignRequest = z.object({ campaignId: resourceId });
export const listCampaignsRequest = z.object({ ...page, strategyId: z.union([z.literal(''), resourceId]) });
export const renameCampaignRequest = z.object({
  campaignId: resourceId,
  name: requiredName,
  expectedVersion,
});
export const deleteCampaignRequest = z.object({ campaignId: resourceId, expectedVersion });
export const selectStrategyRequest = z.object({
  campaignId: resourceId,
  strategyId: resourceId,
  expectedEpoch,
});
export const setAudienceApproachRequest = z.object({
  campaignId: resourceId,
  approach,
  expectedEpoch,
});

export type StrategySpecInput = z.infer<typeof strategySpec>;
