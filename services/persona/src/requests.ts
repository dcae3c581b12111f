import {
  ageRange,
  expectedEpoch,
  expectedVersion,
  genderList,
  optionalResourceId,
  pageRequest,
  required,
  requiredText,
  resourceId,
  textList,
  trimmed,
} from '@prism/grpc';
import { z } from 'zod';

/** Request schemas: the first thing every handler does is parse its request with one of these. */

const demographics = z.object({
  ageRanges: z.array(ageRange).max(10, 'must have at most 10 items'),
  genders: genderList,
  locations: textList(100, 20),
  incomeBand: trimmed(100),
  occupation: trimmed(200),
});

const emptyDemographics = { ageRanges: [], genders: [], locations: [], incomeBand: '', occupation: '' };

const personaSpec = z.object(
  {
    strategyId: resourceId,
    name: requiredText(200),
    summary: trimmed(2000),
    demographics: demographics.optional().transform((value) => value ?? emptyDemographics),
    goals: textList(300, 20),
    motivations: textList(300, 20),
    painPoints: textList(300, 20),
    preferredChannels: textList(300, 20),
    tone: trimmed(200),
  },
  required(),
);

export const createPersonaRequest = z.object({ spec: personaSpec });
export const getPersonaRequest = z.object({ personaId: resourceId });
export const listPersonasRequest = z.object({ strategyId: optionalResourceId, ...pageRequest });
export const updatePersonaRequest = z.object({ personaId: resourceId, spec: personaSpec, expectedVersion });
export const deletePersonaRequest = z.object({ personaId: resourceId, expectedVersion });

// How many ids, and whether they repeat, are selection rules (domain/selection.ts).
export const selectCampaignPersonasRequest = z.object({
  campaignId: resourceId,
  personaIds: z.array(resourceId),
  expectedEpoch,
});
export const getCampaignPersonasRequest = z.object({ campaignId: resourceId });

export type PersonaSpecInput = z.infer<typeof personaSpec>;
