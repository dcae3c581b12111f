import { numericValue } from '@prism/rules';
import { quantile } from '../context/vocabulary.js';
import type { AudienceProfile, Feature, FeatureGroup } from '../model.js';

/**
 * One thing a profile can have, counted per cluster from the raw traits so the numbers read as
 * the data does: a categorical level or a list value (a share), or a numeric trait (a mean).
 */
export interface Attribute {
  key: string;
  group: FeatureGroup;
  /** The level or list value; absent for a numeric trait. */
  value?: string;
  /** Share of the cluster's members holding the value, or mean over members having the trait. */
  inCluster: number[];
  inPopulation: number;
  /** Members holding the value, or having the numeric trait, per cluster. */
  support: number[];
}

export interface Quartiles {
  q25: number;
  median: number;
  q75: number;
}

export interface ClusterStatistics {
  population: number;
  /** Members per cluster. */
  sizes: number[];
  attributes: Attribute[];
  /** Quartiles of each numeric trait, per cluster (undefined when no member has it) and overall. */
  spreads: Map<string, { clusters: (Quartiles | undefined)[]; overall: Quartiles | undefined }>;
}

interface Counter {
  attribute: Attribute;
  /** Holders, or sums of a numeric trait, per cluster. */
  totals: Float64Array;
}

/** Counts every feature's values per cluster of `labels` (0..k−1, one per profile). */
export function clusterStatistics(
  profiles: readonly AudienceProfile[],
  features: readonly Feature[],
  labels: Int32Array,
  k: number,
): ClusterStatistics {
  const sizes = new Array<number>(k).fill(0);
  for (const label of labels) sizes[label] = (sizes[label] ?? 0) + 1;
  const shares = new Map<string, Map<string, Counter>>();
  const numbers = new Map<string, { counter: Counter; values: number[][] }>();
  for (const feature of features) {
    if (feature.kind === 'numeric')
      numbers.set(feature.key, { counter: counter(feature, k), values: lists(k) });
    else
      for (const value of feature.kind === 'flag' ? [feature.value] : feature.levels) {
        const byValue = shares.get(feature.key) ?? new Map<string, Counter>();
        byValue.set(value, counter({ ...feature, value }, k));
        shares.set(feature.key, byValue);
      }
  }
  profiles.forEach(({ traits }, row) => {
    const cluster = labels[row] ?? 0;
    for (const [key, byValue] of shares) countValues(byValue, traits[key], cluster);
    for (const [key, { counter, values }] of numbers) {
      const value = numericValue(traits[key]);
      if (value === undefined) continue;
      counter.totals[cluster] = (counter.totals[cluster] ?? 0) + value;
      counter.attribute.support[cluster] = (counter.attribute.support[cluster] ?? 0) + 1;
      values[cluster]?.push(value);
    }
  });
  const shareAttributes = [...shares.values()].flatMap((byValue) =>
    [...byValue.values()].map((each) => sharesOf(each, sizes)),
  );
  const numericAttributes = [...numbers.values()].map(({ counter }) => meansOf(counter));
  return {
    population: profiles.length,
    sizes,
    attributes: [...shareAttributes, ...numericAttributes],
    spreads: new Map([...numbers].map(([key, { values }]) => [key, spreadsOf(values)])),
  };
}

function counter(feature: { key: string; group: FeatureGroup; value?: string }, k: number): Counter {
  const attribute: Attribute = {
    key: feature.key,
    group: feature.group,
    ...(feature.value === undefined ? {} : { value: feature.value }),
    inCluster: [],
    inPopulation: 0,
    support: new Array<number>(k).fill(0),
  };
  return { attribute, totals: new Float64Array(k) };
}

const lists = (k: number): number[][] => Array.from({ length: k }, () => []);

/** A categorical trait counts its level; a list trait each of its values. */
function countValues(byValue: Map<string, Counter>, trait: unknown, cluster: number): void {
  const held = Array.isArray(trait) ? new Set(trait.map(String)) : trait == null ? [] : [String(trait)];
  for (const value of held) {
    const found = byValue.get(value);
    if (found) found.totals[cluster] = (found.totals[cluster] ?? 0) + 1;
  }
}

function sharesOf({ attribute, totals }: Counter, sizes: readonly number[]): Attribute {
  const population = sizes.reduce((sum, size) => sum + size, 0);
  const holders = totals.reduce((sum, count) => sum + count, 0);
  return {
    ...attribute,
    support: Array.from(totals),
    inCluster: sizes.map((size, cluster) => (size === 0 ? 0 : (totals[cluster] ?? 0) / size)),
    inPopulation: population === 0 ? 0 : holders / population,
  };
}

function meansOf({ attribute, totals }: Counter): Attribute {
  const having = attribute.support.reduce((sum, count) => sum + count, 0);
  const sum = totals.reduce((total, value) => total + value, 0);
  return {
    ...attribute,
    inCluster: attribute.support.map((count, cluster) => (count === 0 ? 0 : (totals[cluster] ?? 0) / count)),
    inPopulation: having === 0 ? 0 : sum / having,
  };
}

function spreadsOf(values: number[][]) {
  return { clusters: values.map(quartilesOf), overall: quartilesOf(values.flat()) };
}

function quartilesOf(values: readonly number[]): Quartiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  return { q25: quantile(sorted, 0.25), median: quantile(sorted, 0.5), q75: quantile(sorted, 0.75) };
}
