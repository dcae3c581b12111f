import type {
  AudienceProfile,
  CategoricalFeature,
  FeatureGroup,
  FeatureMatrix,
  FlagFeature,
  NumericFeature,
} from '../model.js';
import {
  collectorFor,
  type LevelCollector,
  ListCollector,
  NumberCollector,
  type TraitCollector,
} from './collectors.js';
import { robustScale } from './numeric-scale.js';
import { groupOf, isIdentifyingKey } from './trait-roles.js';
import { emptyTally, type KindTally, kindOf, tallyValue } from './trait-values.js';

/** The features a space's profiles become; encodes any later profile the same way. */
export type FeatureSchema = Pick<FeatureMatrix, 'numericFeatures' | 'categoricalFeatures'>;

export type ExclusionReason = 'identifying' | 'identifier-like' | 'constant' | 'rare' | 'unusable';

export interface ExcludedTrait {
  key: string;
  reason: ExclusionReason;
}

export interface SchemaLimits {
  /** List values and categorical levels held by fewer than this share of profiles are dropped. */
  minShare: number;
  /** A string trait with more distinct values than this is identifier-like or free text. */
  maxLevels: number;
  /** ...as is one whose distinct values exceed this share of the profiles holding it. */
  maxLevelShare: number;
}

export const DEFAULT_LIMITS: SchemaLimits = { minShare: 0.01, maxLevels: 40, maxLevelShare: 0.05 };

/** Below this many levels a string trait is never identifier-like, however few profiles there are. */
const FEW_LEVELS = 10;

type Feature = NumericFeature | FlagFeature | CategoricalFeature;

/**
 * Infers the features of a space from its profiles in two passes (the kind of each trait, then
 * what its features need); traits are taken in key order, so input order never matters.
 */
export function inferSchema(
  profiles: readonly AudienceProfile[],
  limits: SchemaLimits = DEFAULT_LIMITS,
): { schema: FeatureSchema; excluded: ExcludedTrait[] } {
  const excluded: ExcludedTrait[] = [];
  const collectors = new Map<string, TraitCollector>();
  for (const [key, tally] of tallyKinds(profiles)) {
    const kind = kindOf(tally);
    if (isIdentifyingKey(key)) excluded.push({ key, reason: 'identifying' });
    else if (kind === undefined) excluded.push({ key, reason: 'unusable' });
    else collectors.set(key, collectorFor(kind));
  }
  collect(profiles, collectors);
  const features: Feature[] = [];
  for (const [key, collector] of collectors) {
    const outcome = featuresOf(key, collector, profiles.length, limits);
    if (Array.isArray(outcome)) features.push(...outcome);
    else excluded.push({ key, reason: outcome });
  }
  excluded.sort((a, b) => byCodeUnits(a.key, b.key));
  return {
    schema: {
      numericFeatures: features.filter((feature) => feature.kind !== 'categorical'),
      categoricalFeatures: features.filter((feature) => feature.kind === 'categorical'),
    },
    excluded,
  };
}

/** Each trait's tally of value kinds, in key order. `for…in` reads a profile's own keys far faster than lookups by key. */
function tallyKinds(profiles: readonly AudienceProfile[]): [string, KindTally][] {
  const tallies = new Map<string, KindTally>();
  for (const { traits } of profiles) {
    for (const key in traits) {
      let tally = tallies.get(key);
      if (tally === undefined) {
        tally = emptyTally();
        tallies.set(key, tally);
      }
      tallyValue(tally, traits[key]);
    }
  }
  return [...tallies].sort(([a], [b]) => byCodeUnits(a, b));
}

function collect(
  profiles: readonly AudienceProfile[],
  collectors: ReadonlyMap<string, TraitCollector>,
): void {
  profiles.forEach(({ traits }, row) => {
    for (const key in traits) collectors.get(key)?.add(traits[key], row);
  });
}

function featuresOf(
  key: string,
  collector: TraitCollector,
  rows: number,
  limits: SchemaLimits,
): Feature[] | ExclusionReason {
  if (collector instanceof NumberCollector) {
    const group = groupOf(key, 'numeric');
    const scale = robustScale(collector.values);
    return scale === undefined ? 'constant' : [{ kind: 'numeric', key, group, ...scale }];
  }
  if (collector instanceof ListCollector)
    return flagsOf(key, groupOf(key, 'list'), collector.counts, rows, limits);
  return categoricalOf(key, groupOf(key, 'categorical'), collector, rows, limits);
}

function flagsOf(
  key: string,
  group: FeatureGroup,
  counts: Map<string, number>,
  rows: number,
  limits: SchemaLimits,
): FlagFeature[] | ExclusionReason {
  // A value everyone holds separates nobody.
  const values = frequentLevels(counts, rows, limits).filter((value) => counts.get(value) !== rows);
  if (values.length === 0) return counts.size === 0 ? 'unusable' : 'rare';
  return values.map((value) => ({ kind: 'flag', key, group, value }));
}

function categoricalOf(
  key: string,
  group: FeatureGroup,
  { counts, present }: LevelCollector,
  rows: number,
  limits: SchemaLimits,
): CategoricalFeature[] | ExclusionReason {
  const identifierLike =
    counts.size > limits.maxLevels ||
    (counts.size > FEW_LEVELS && counts.size > limits.maxLevelShare * present);
  if (identifierLike) return 'identifier-like';
  const levels = frequentLevels(counts, rows, limits);
  // One level left (or none) separates nobody.
  if (levels.length < 2) return levels.length === 0 ? 'rare' : 'constant';
  return [{ kind: 'categorical', key, group, levels }];
}

/** Levels held by at least `minShare` of all profiles, in code-unit order for stable columns. */
function frequentLevels(counts: Map<string, number>, rows: number, limits: SchemaLimits): string[] {
  const floor = Math.max(1, limits.minShare * rows);
  return [...counts]
    .filter(([, count]) => count >= floor)
    .map(([level]) => level)
    .sort(byCodeUnits);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
