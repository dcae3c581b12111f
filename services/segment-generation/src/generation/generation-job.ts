import { type CampaignStates, campaignNow, requireEpoch, type StrategyLookups } from '@prism/campaign';
import { FailedPrecondition, NotFound, type SegmentGenerationFailure } from '@prism/errors';
import type { CallContext } from '@prism/grpc';
import { v7 as uuidv7 } from 'uuid';
import {
  type LanguageModelConfig,
  type PolishedDescriptions,
  polishDescriptions,
} from '../domain/describe/language-model.js';
import { type Generation, generateSegments, MIN_POPULATION } from '../domain/generate.js';
import { segmentsGenerated } from '../events/segment-events.js';
import type { SegmentRecord } from '../store/documents.js';
import { type GenerationFields, replaceGeneration } from '../store/generations.js';
import type { SegmentRepositories } from '../store/repositories.js';
import type { ProfileReader } from './profile-reader.js';
import { type ProgressListener, progressOf } from './stages.js';
import { briefOf, declaredAudienceOf } from './strategy-brief.js';

export interface GenerationJobDeps {
  repos: SegmentRepositories;
  strategy: StrategyLookups;
  readProfiles: ProfileReader;
  /** Rewrites names and copy when configured; the statistical description stands without one. */
  languageModel?: LanguageModelConfig;
  clock?: () => Date;
}

export interface GenerationRequest {
  campaignId: string;
  expectedEpoch: number;
  context: string;
  /** Undefined: chosen in 3–5 by silhouette. */
  segmentCount?: number;
  seed: number;
}

export interface GenerationOutcome {
  stored: GenerationFields;
  generation: Generation;
}

export const APPROACH_NOT_AI_SEGMENTS =
  'Segments can only be generated while the campaign targets AI-generated segments; switch step 3 to AI segments first.';

/** One GenerateSegments call: check the campaign, read its audience, learn segments, store them. */
export async function runGeneration(
  deps: GenerationJobDeps,
  call: CallContext,
  request: GenerationRequest,
  onProgress: ProgressListener,
): Promise<GenerationOutcome> {
  const { campaignId } = request;
  onProgress(progressOf('CHECKING_CAMPAIGN', 0, `campaign ${campaignId}`));
  const strategyId = await requireAiSegments(deps.repos.campaignStates, deps.strategy, call, request);
  const strategy = await deps.strategy.strategy(call, strategyId);
  if (!strategy) throw new NotFound('strategy', strategyId);
  const profileSpaceId = strategy.spec?.profileSpaceId ?? '';
  if (!profileSpaceId) {
    throw new FailedPrecondition<SegmentGenerationFailure>(
      'NO_AUDIENCE_DATA',
      'The strategy has no linked audience data: link a profile space to the strategy to generate segments from it.',
    );
  }

  const profiles = await deps.readProfiles(call, profileSpaceId, (read, total) =>
    onProgress(progressOf('LOADING_PROFILES', total ? read / total : 1, `${read} of ${total} profiles`)),
  );
  if (profiles.length < MIN_POPULATION) {
    throw new FailedPrecondition<SegmentGenerationFailure>(
      'NO_AUDIENCE_DATA',
      `The strategy's profile space "${profileSpaceId}" has ${profiles.length} profiles; segments need at least ${MIN_POPULATION}.`,
    );
  }
  const brief = briefOf(strategy);
  const generation = await generateSegments(
    {
      profiles,
      brief,
      declared: declaredAudienceOf(strategy),
      context: request.context,
      segmentCount: request.segmentCount,
      seed: request.seed,
      now: (deps.clock ?? (() => new Date()))(),
    },
    (stage, fraction, detail) => onProgress(progressOf(stage, fraction, detail)),
  );
  const descriptions = generation.segments.map((segment) => segment.description);
  const polished = await polishDescriptions(descriptions, brief, deps.languageModel);

  onProgress(progressOf('STORING', 0, `${generation.segments.length} segments`));
  const stored = await store(deps, call, { request, strategyId, generation, polished });
  onProgress(progressOf('STORING', 1, 'done'));
  return { stored, generation };
}

/** The campaign must target AI segments at exactly the epoch the caller saw; its strategy id. */
async function requireAiSegments(
  campaignStates: CampaignStates,
  lookups: StrategyLookups,
  call: CallContext,
  request: GenerationRequest,
): Promise<string> {
  // A generation is too costly to run on a stale epoch: the strategy service decides.
  const campaign = await campaignNow(campaignStates, lookups, call, request.campaignId);
  if (!campaign) throw new NotFound('campaign', request.campaignId);
  requireEpoch(campaign.epoch, request.expectedEpoch);
  if (!campaign.strategyId) {
    throw new FailedPrecondition<SegmentGenerationFailure>(
      'STRATEGY_NOT_SELECTED',
      'Select a strategy for the campaign (step 2) first.',
    );
  }
  if (campaign.approach !== 'AI_SEGMENTS') {
    throw new FailedPrecondition<SegmentGenerationFailure>(
      'APPROACH_NOT_AI_SEGMENTS',
      APPROACH_NOT_AI_SEGMENTS,
    );
  }
  return campaign.strategyId;
}

interface Storable {
  request: GenerationRequest;
  strategyId: string;
  generation: Generation;
  polished: PolishedDescriptions;
}

async function store(
  deps: GenerationJobDeps,
  call: CallContext,
  storable: Storable,
): Promise<GenerationFields> {
  const { request, strategyId, generation, polished } = storable;
  const now = (deps.clock ?? (() => new Date()))();
  const segments: SegmentRecord[] = generation.segments.map(({ description, rule }, index) => ({
    id: `seg_${uuidv7()}`,
    ...(polished.descriptions[index] ?? description),
    rule: rule.rule,
    ruleAgreement: { coverage: rule.coverage, precision: rule.precision, matched: rule.matched },
    describedBy: polished.describedBy,
  }));
  const fields = {
    strategyId,
    epoch: request.expectedEpoch,
    generationId: `gen_${uuidv7()}`,
    segments,
    populationSize: generation.populationSize,
    context: request.context,
    generatedAt: now,
    updatedAt: now,
  };
  const event = segmentsGenerated(call.cause, { campaignId: request.campaignId, ...fields });
  await replaceGeneration(deps.repos, call.spaceId, request.campaignId, fields, [event]);
  return fields;
}
