import { matchesRule, type Rule } from '@prism/rules';
import type { AudienceProfile, FeatureMatrix, SegmentRule } from '../model.js';
import { columnsOf } from './columns.js';
import { prunePaths } from './prune.js';
import { ruleFromPaths } from './simplify.js';
import { growTree, positivePaths } from './tree.js';
import { filled } from './typed-arrays.js';

export interface SegmentRuleOptions {
  /** Conditions a path may test before simplification (the trees' depth). */
  maxDepth?: number;
  /** Fewest fitted rows a leaf may hold, as a share of them; keeps rules off small pockets. */
  minLeafShare?: number;
  /** The trees are fitted on an evenly spaced sample of at most this many profiles. */
  maxFitRows?: number;
}

export const DEFAULT_RULE_OPTIONS: Required<SegmentRuleOptions> = {
  maxDepth: 4,
  minLeafShare: 0.005,
  maxFitRows: 20_000,
};

/**
 * For each of the `k` clusters of `labels`, a rule over the profiles' traits that reproduces
 * it: a shallow one-vs-rest decision tree over the matrix's features, read off as a rule,
 * then evaluated with `matchesRule` on every profile for its coverage and precision.
 */
export function deriveSegmentRules(
  matrix: FeatureMatrix,
  profiles: readonly AudienceProfile[],
  labels: Int32Array,
  k: number,
  options: SegmentRuleOptions = {},
): SegmentRule[] {
  if (matrix.rows !== profiles.length || labels.length !== profiles.length)
    throw new RangeError(
      `matrix (${matrix.rows}), profiles (${profiles.length}) and labels (${labels.length}) differ`,
    );
  if (labels.some((label) => label < 0 || label >= k)) throw new RangeError(`labels must be in 0..${k - 1}`);
  const settings = { ...DEFAULT_RULE_OPTIONS, ...options };
  const sample = evenSample(profiles.length, settings.maxFitRows);
  const columns = columnsOf(
    matrix,
    Array.from(sample, (row) => (profiles[row] as AudienceProfile).traits),
  );
  const treeOptions = {
    maxDepth: settings.maxDepth,
    minLeaf: Math.max(1, Math.ceil(settings.minLeafShare * sample.length)),
  };
  const rules = Array.from({ length: k }, (_, cluster) => {
    const positive = filled(new Uint8Array(sample.length), (at) =>
      labels[sample[at] as number] === cluster ? 1 : 0,
    );
    return ruleFromPaths(prunePaths(positivePaths(growTree(columns, positive, treeOptions)), positive));
  });
  return evaluate(rules, profiles, labels);
}

/** Rows 0..size−1, or `limit` of them evenly spread: deterministic, and any order of profiles is covered. */
function evenSample(size: number, limit: number): Int32Array {
  const count = Math.min(size, limit);
  return filled(new Int32Array(count), (index) => Math.floor((index * size) / count));
}

/** Coverage and precision of each cluster's rule, on everyone. */
function evaluate(
  rules: readonly Rule[],
  profiles: readonly AudienceProfile[],
  labels: Int32Array,
): SegmentRule[] {
  return rules.map((rule, cluster) => {
    let members = 0;
    let matched = 0;
    let hits = 0;
    profiles.forEach(({ traits }, row) => {
      const member = labels[row] === cluster;
      const match = matchesRule(rule, { traits });
      if (member) members++;
      if (match) matched++;
      if (member && match) hits++;
    });
    return { rule, coverage: ratio(hits, members), precision: ratio(hits, matched), matched };
  });
}

const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);
