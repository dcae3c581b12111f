import {
  AudienceApproach,
  type Campaign,
  Gender,
  type Strategy,
  type TargetAudience,
} from '@prism/proto/prism/strategy/v1/strategy';
import { type Approach, approachOptions, type StrategyFacts } from './domain/campaign.js';
import type {
  CampaignDocument,
  GenderName,
  StrategyDocument,
  TargetAudienceFields,
} from './store/documents.js';

const approachByName: Record<Approach, AudienceApproach> = {
  NONE: AudienceApproach.AUDIENCE_APPROACH_NONE,
  AI_SEGMENTS: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
  STRATEGY_PERSONAS: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
};

const genderByName: Record<GenderName, Gender> = {
  FEMALE: Gender.GENDER_FEMALE,
  MALE: Gender.GENDER_MALE,
  NON_BINARY: Gender.GENDER_NON_BINARY,
};

const invert = <K extends string, V extends number>(record: Record<K, V>) =>
  new Map(Object.entries(record).map(([name, value]) => [value as V, name as K]));
const approachOfProto = invert(approachByName);
const genderOfProto = invert(genderByName);

export const approachToProto = (approach: Approach) => approachByName[approach];
/** Undefined for UNSPECIFIED and unknown numbers, which validation reports. */
export const approachFromProto = (value: number) => approachOfProto.get(value);
export const genderFromProto = (value: number) => genderOfProto.get(value);

export function targetAudienceToProto(audience: TargetAudienceFields): TargetAudience {
  return { ...audience, genders: audience.genders.map((g) => genderByName[g]) };
}

export function strategyToProto(doc: StrategyDocument, personaCount: number): Strategy {
  return {
    id: doc._id,
    spec: {
      name: doc.name,
      brand: doc.brand,
      products: doc.products,
      objectives: doc.objectives,
      targetAudience: targetAudienceToProto(doc.targetAudience),
      profileSpaceId: doc.profileSpaceId,
    },
    personaCount,
    version: doc.version,
    createTime: doc.createdAt,
    updateTime: doc.updatedAt,
  };
}

export function campaignToProto(doc: CampaignDocument, strategy: StrategyFacts | undefined): Campaign {
  const options = approachOptions(doc, strategy);
  return {
    id: doc._id,
    name: doc.name,
    strategyId: doc.strategyId ?? '',
    approach: approachToProto(doc.approach),
    epoch: doc.epoch,
    availableApproaches: options.available.map(approachToProto),
    lockedReason: options.lockedReason ?? '',
    version: doc.version,
    createTime: doc.createdAt,
    updateTime: doc.updatedAt,
  };
}
