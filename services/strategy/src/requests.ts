import {
  ageRange,
  expectedEpoch,
  expectedVersion,
  genderList,
  optionalResourceId,
  pageRequest,
  protoEnum,
  required,
  requiredText,
  resourceId,
  textList,
  trimmed,
} from '@prism/grpc';
import { APPROACH_NAMES } from '@prism/proto/vocabulary';
import { z } from 'zod';
import { approachFromProto } from './mapping.js';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

const spaceId = z
  .string()
  .regex(/^([a-z0-9][a-z0-9_-]{0,62})?$/, 'must be a space id: lowercase letters, digits, "_" or "-"');

export const targetAudience = z.object({
  ageRanges: z.array(ageRange).max(10, 'must have at most 10 items'),
  genders: genderList,
  locations: textList(100, 50),
  interests: textList(100, 50),
  behaviours: textList(100, 50),
  painPoints: textList(300, 50),
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
    name: requiredText(200),
    brand: trimmed(200),
    products: textList(200, 50),
    objectives: textList(500, 20),
    targetAudience: targetAudience.optional().transform((audience) => audience ?? emptyAudience),
    profileSpaceId: spaceId,
  },
  required(),
);

export const createStrategyRequest = z.object({ spec: strategySpec });
export const getStrategyRequest = z.object({ strategyId: resourceId });
export const listStrategiesRequest = z.object(pageRequest);
export const updateStrategyRequest = z.object({
  strategyId: resourceId,
  spec: strategySpec,
  expectedVersion,
});
export const deleteStrategyRequest = z.object({ strategyId: resourceId, expectedVersion });

export const createCampaignRequest = z.object({ name: requiredText(200) });
export const getCampaignRequest = z.object({ campaignId: resourceId });

export const getCampaignAudienceSelectionRequest = z.object({ campaignId: resourceId });
export const listCampaignsRequest = z.object({ ...pageRequest, strategyId: optionalResourceId });
export const renameCampaignRequest = z.object({
  campaignId: resourceId,
  name: requiredText(200),
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
  approach: protoEnum(approachFromProto, APPROACH_NAMES.join(', ')),
  expectedEpoch,
});

export type StrategySpecInput = z.infer<typeof strategySpec>;
