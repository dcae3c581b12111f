import {
  type CampaignSegments,
  DescriptionSource,
  type GenerationResult,
  GenerationStage,
  type Segment,
} from '@prism/proto/prism/segments/v1/segments';
import { ruleToProto } from '@prism/rules';
import type { GenerationOutcome } from './generation/generation-job.js';
import type { Progress, Stage } from './generation/stages.js';
import type { SegmentRecord } from './store/documents.js';
import type { GenerationFields } from './store/generations.js';

export function segmentToProto(segment: SegmentRecord): Segment {
  return {
    id: segment.id,
    name: segment.name,
    demographicProfile: segment.demographicProfile,
    geographicFocus: segment.geographicFocus,
    interestsAndBehaviours: segment.interestsAndBehaviours,
    painPoints: segment.painPoints,
    size: segment.size,
    share: segment.share,
    contrasts: segment.contrasts.map((contrast) => ({
      trait: contrast.key,
      value: contrast.value ?? '',
      inSegment: contrast.inSegment,
      inPopulation: contrast.inPopulation,
      lift: contrast.lift,
    })),
    rule: ruleToProto(segment.rule),
    ruleAgreement: segment.ruleAgreement,
    describedBy:
      segment.describedBy === 'language_model'
        ? DescriptionSource.DESCRIPTION_SOURCE_LANGUAGE_MODEL
        : DescriptionSource.DESCRIPTION_SOURCE_STATISTICAL,
  };
}

/** Nothing generated (or cleared) reports epoch 0, as the API documents. */
export function campaignSegmentsToProto(
  campaignId: string,
  fields: GenerationFields | undefined,
): CampaignSegments {
  const held = fields && fields.segments.length > 0 ? fields : undefined;
  return {
    campaignId,
    generationId: held?.generationId ?? '',
    epoch: held?.epoch ?? 0,
    segments: held?.segments.map(segmentToProto) ?? [],
    populationSize: held?.populationSize ?? 0,
    context: held?.context ?? '',
    ...(held?.generatedAt && { generateTime: held.generatedAt }),
  };
}

export function generationResultToProto(campaignId: string, outcome: GenerationOutcome): GenerationResult {
  const { clustering, interpretation } = outcome.generation;
  return {
    segments: campaignSegmentsToProto(campaignId, outcome.stored),
    context: {
      text: interpretation.text,
      understood: interpretation.understood.map(({ phrase, meaning }) => ({ phrase, meaning })),
      unrecognised: interpretation.unrecognised,
      ...(interpretation.filter && { filter: ruleToProto(interpretation.filter) }),
    },
    quality: {
      segmentCount: clustering.k,
      chosenAutomatically: clustering.kChosenAutomatically,
      silhouette: clustering.silhouette,
      candidates: clustering.candidates.map(({ k, silhouette }) => ({ segmentCount: k, silhouette })),
      seed: clustering.seed,
      fitSampleSize: clustering.fitSampleSize,
    },
  };
}

const STAGE_TO_PROTO: Record<Stage, GenerationStage> = {
  CHECKING_CAMPAIGN: GenerationStage.GENERATION_STAGE_CHECKING_CAMPAIGN,
  LOADING_PROFILES: GenerationStage.GENERATION_STAGE_LOADING_PROFILES,
  ENGINEERING_FEATURES: GenerationStage.GENERATION_STAGE_ENGINEERING_FEATURES,
  CLUSTERING: GenerationStage.GENERATION_STAGE_CLUSTERING,
  DESCRIBING: GenerationStage.GENERATION_STAGE_DESCRIBING,
  DERIVING_RULES: GenerationStage.GENERATION_STAGE_DERIVING_RULES,
  STORING: GenerationStage.GENERATION_STAGE_STORING,
};

export function progressToProto(progress: Progress) {
  return { stage: STAGE_TO_PROTO[progress.stage], percent: progress.percent, detail: progress.detail };
}
