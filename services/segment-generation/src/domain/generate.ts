import { FailedPrecondition, type SegmentGenerationFailure } from '@prism/errors';
import { type ProfileView, viewProfiles } from '@prism/profile-features';
import { matchesRule, type Rule } from '@prism/rules';
import type { Stage } from '../generation/stages.js';
import { clusterProfiles } from './clustering/index.js';
import {
  contextVocabulary,
  type DeclaredAudience,
  interpretContext,
  targetAudienceRule,
} from './context/index.js';
import { describeSegments } from './describe/describe.js';
import { buildFeatures } from './features/index.js';
import type { AudienceProfile, Clustering, SegmentDescription, SegmentRule, StrategyBrief } from './model.js';
import { deriveSegmentRules } from './rules/derive.js';

/** Fewer profiles than this make no segments worth a campaign (and no stable clusters). */
export const MIN_POPULATION = 30;

export interface GenerationInput {
  profiles: readonly AudienceProfile[];
  brief: StrategyBrief;
  /** The strategy's declared target audience: narrows the population where it is set. */
  declared: DeclaredAudience;
  /** The operator's targeting context (free text, may be empty). */
  context: string;
  /** Undefined: chosen in 3–5 by silhouette. */
  segmentCount?: number | undefined;
  seed: number;
  /** Ages and tenures derived from dates count to this day; defaults to now. */
  now?: Date;
}

export interface GeneratedSegment {
  description: SegmentDescription;
  rule: SegmentRule;
}

export interface Interpretation {
  text: string;
  understood: { phrase: string; meaning: string }[];
  /** Context words not understood, then declared audience entries the data cannot express. */
  unrecognised: string[];
  /** What narrowed the population; absent when nothing did. */
  filter?: Rule;
}

export interface Generation {
  segments: GeneratedSegment[];
  clustering: Clustering;
  interpretation: Interpretation;
  /** Profiles the segments were learned from, after narrowing. */
  populationSize: number;
}

export type StageReporter = (
  stage: Exclude<Stage, 'CHECKING_CAMPAIGN' | 'LOADING_PROFILES' | 'STORING'>,
  fraction: number,
  detail?: string,
) => void;

/**
 * Segment generation (docs/architecture.md §1) as one pipeline: read the traits by path (nested
 * as Segment sends them; ages from birthdays), narrow the profiles (declared audience, then
 * context), engineer features, cluster (k-prototypes, k by silhouette), describe each cluster by
 * what is over-represented in it, and derive a rule reproducing it, on the data's own traits.
 * Deterministic for a given seed and day. Between stages it yields to the event loop, so
 * progress reaches the caller as it happens.
 */
export async function generateSegments(input: GenerationInput, report: StageReporter): Promise<Generation> {
  report('ENGINEERING_FEATURES', 0, `${input.profiles.length} profiles`);
  const now = input.now ?? new Date();
  const view = viewProfiles(input.profiles, now);
  const { population, interpretation, emphasis } = narrowed(input, view, now);
  if (population.length < MIN_POPULATION) {
    throw new FailedPrecondition<SegmentGenerationFailure>(
      'AUDIENCE_TOO_SMALL',
      `Only ${population.length} of ${input.profiles.length} profiles match the target audience and context; segments need at least ${MIN_POPULATION}. Widen the context.`,
    );
  }
  const features = buildFeatures(population, { weights: emphasis });
  const { matrix } = features;
  report(
    'ENGINEERING_FEATURES',
    1,
    `${matrix.numericFeatures.length + matrix.categoricalFeatures.length} features`,
  );
  await nextTurn();

  const clustering = clusterProfiles(matrix, {
    seed: input.seed,
    ...(input.segmentCount !== undefined && { k: input.segmentCount }),
    weights: features.weights,
    onProgress: (fraction) => report('CLUSTERING', fraction),
  });
  report('CLUSTERING', 1, `${clustering.k} segments, silhouette ${clustering.silhouette.toFixed(3)}`);
  await nextTurn();

  const { labels, k } = clustering;
  const descriptions = describeSegments({
    profiles: population,
    features: [...matrix.numericFeatures, ...matrix.categoricalFeatures],
    labels,
    k,
    brief: input.brief,
  });
  report('DESCRIBING', 1);
  await nextTurn();

  const rules = deriveSegmentRules(matrix, population, labels, k).map((derived) => ({
    ...derived,
    rule: view.onData(derived.rule),
  }));
  report('DERIVING_RULES', 1);
  const { model: _model, ...clusteringFacts } = clustering;
  return {
    segments: descriptions.map((description, index) => ({ description, rule: rules[index] as SegmentRule })),
    clustering: clusteringFacts,
    interpretation,
    populationSize: population.length,
  };
}

/** The declared audience and the context, read against this data, applied to the profiles. */
function narrowed(input: GenerationInput, view: ProfileView, now: Date) {
  const { profiles } = view;
  const { ageRanges, genders, locations, interests, behaviours } = input.declared;
  const declaresNothing = [ageRanges, genders, locations, interests, behaviours].every(
    (list) => list.length === 0,
  );
  // Reading the vocabulary walks every trait of every profile: not worth it when there is nothing to read.
  if (declaresNothing && input.context.trim() === '') {
    const interpretation: Interpretation = { text: input.context, understood: [], unrecognised: [] };
    return { population: profiles, interpretation, emphasis: new Map<string, number>() };
  }
  const vocabulary = contextVocabulary(profiles, { now });
  const declared = targetAudienceRule(input.declared, vocabulary);
  const context = interpretContext(input.context, vocabulary);
  const narrowings = [declared.filter, context.filter].filter((rule): rule is Rule => rule !== undefined);
  const filter: Rule | undefined = narrowings.length > 1 ? { all: narrowings } : narrowings[0];
  const population = filter
    ? profiles.filter((profile) => matchesRule(filter, { traits: profile.traits }))
    : profiles;
  const interpretation: Interpretation = {
    text: input.context,
    understood: context.understood.map(({ phrase, meaning }) => ({ phrase, meaning })),
    unrecognised: [
      ...context.unrecognised,
      ...declared.unrecognised.map((entry) => `${entry} (strategy target audience)`),
    ],
    ...(filter && { filter: view.onData(filter) }),
  };
  return { population, interpretation, emphasis: context.emphasis };
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
