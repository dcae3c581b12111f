import type { Campaign, Strategy, TargetAudience } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec, genderCodec } from '@prism/proto/vocabulary';
import { approachOptions, type StrategyFacts } from './domain/campaign.js';
import type { CampaignDocument, StrategyDocument, TargetAudienceFields } from './store/documents.js';

export const approachToProto = approachCodec.toProto;
/** Undefined for UNSPECIFIED and unknown numbers, which validation reports. */
export const approachFromProto = approachCodec.fromProto;

export function targetAudienceToProto(audience: TargetAudienceFields): TargetAudience {
  return { ...audience, genders: audience.genders.map(genderCodec.toProto) };
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
