import { isScalar, type Json, numericValue, type Scalar } from '@prism/rules';
import type { ComputedTraitKind } from './definition.js';

/**
 * Distinct values one bucket keeps. `unique_*` keep the smallest ones (by `compareScalars`), so the
 * kept set does not depend on arrival order; `most_frequent` stops tracking new values once full
 * (values already tracked keep counting), so beyond the cap its result depends on arrival order.
 * Merging two `most_frequent` buckets that hold more distinct values together keeps the most
 * counted ones (ties: the smallest values).
 */
export const MAX_DISTINCT_VALUES = 200;
/** Longer values are ignored, so a bucket stays small: strings by characters, first/last values as JSON. */
export const MAX_VALUE_LENGTH = 1000;

/** A value with the time of its event; `json` is canonical JSON, so BSON-safe whatever the value. */
export interface Stamped {
  at: number;
  json: string;
}

/**
 * The aggregate of one UTC day's accepted events (or of all time: `day` 0). It holds only the
 * fields its kind needs; all are plain JSON, lists sorted by value.
 */
export interface Bucket {
  /** Days since 1970-01-01 UTC. */
  day: number;
  /** Events accepted: matching the filter and, for valued kinds, with a usable value. */
  count: number;
  sum?: number;
  min?: number;
  max?: number;
  first?: Stamped;
  last?: Stamped;
  /** most_frequent: value → event count. */
  counts?: [Scalar, number][];
  /** unique_list / unique_count. */
  values?: Scalar[];
}

interface Aggregator {
  /** The fields an event with this property value changes; undefined = the event is ignored. */
  add(bucket: Bucket, value: unknown, at: number): Partial<Bucket> | undefined;
  /** The kind's fields of one bucket holding the events of two non-empty buckets (`day`, `count` aside). */
  merge(a: Bucket, b: Bucket): Partial<Bucket>;
  /** The trait value of non-empty buckets. */
  result(buckets: readonly Bucket[]): Json;
}

/** Buckets in state order: ascending by day. */
export const byDay = (a: Bucket, b: Bucket) => a.day - b.day;

/** Booleans, then numbers, then strings; a total order, so lists and ties are deterministic. */
export function compareScalars(a: Scalar, b: Scalar): number {
  const rank = (value: Scalar) => ['boolean', 'number', 'string'].indexOf(typeof value);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** JSON with object keys sorted, so equal values have equal text. */
export function canonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

const usableScalar = (value: unknown): value is Scalar =>
  isScalar(value) && (typeof value !== 'string' || value.length <= MAX_VALUE_LENGTH);

const numeric =
  (change: (bucket: Bucket, value: number) => Partial<Bucket>) => (bucket: Bucket, value: unknown) => {
    const number = numericValue(value);
    return number === undefined ? undefined : change(bucket, number);
  };

const total = (buckets: readonly Bucket[], field: 'count' | 'sum') =>
  buckets.reduce((sum, bucket) => sum + (bucket[field] ?? 0), 0);

const addToSum = numeric((bucket, value) => ({ sum: (bucket.sum ?? 0) + value }));
const mergeSums = (a: Bucket, b: Bucket) => ({ sum: (a.sum ?? 0) + (b.sum ?? 0) });

function extreme(field: 'min' | 'max', pick: (...values: number[]) => number): Aggregator {
  return {
    add: numeric((bucket, value) => ({ [field]: pick(bucket[field] ?? value, value) })),
    merge: (a, b) => {
      const held = [a[field], b[field]].filter((value) => value !== undefined);
      return held.length > 0 ? { [field]: pick(...held) } : {};
    },
    result: (buckets) => pick(...buckets.map((bucket) => bucket[field] ?? Number.NaN)),
  };
}

/** Events are ordered by timestamp, then by canonical JSON of the value: ties are settled alike in any order. */
const isBefore = (a: Stamped, b: Stamped) => a.at < b.at || (a.at === b.at && a.json < b.json);

function stamped(field: 'first' | 'last'): Aggregator {
  const wins = (candidate: Stamped, held: Stamped | undefined) =>
    !held || (field === 'first' ? isBefore(candidate, held) : isBefore(held, candidate));
  const best = (buckets: readonly Bucket[]) =>
    buckets.reduce<Stamped | undefined>(
      (held, bucket) => (bucket[field] && wins(bucket[field], held) ? bucket[field] : held),
      undefined,
    );
  return {
    add: (bucket, value, at) => {
      const json = canonicalJson(value);
      if (json === undefined || json.length > MAX_VALUE_LENGTH) return undefined;
      const candidate = { at, json };
      return wins(candidate, bucket[field]) ? { [field]: candidate } : {};
    },
    merge: (a, b) => {
      const held = best([a, b]);
      return held ? { [field]: held } : {};
    },
    result: (buckets) => JSON.parse(best(buckets)?.json ?? 'null'),
  };
}

/** The smallest `MAX_DISTINCT_VALUES` distinct values, sorted. */
const smallest = (values: Iterable<Scalar>) =>
  [...new Set(values)].sort(compareScalars).slice(0, MAX_DISTINCT_VALUES);

const uniqueValues = (buckets: readonly Bucket[]) =>
  smallest(buckets.flatMap((bucket) => bucket.values ?? []));

const addUnique = (bucket: Bucket, value: unknown) =>
  usableScalar(value) ? { values: smallest([...(bucket.values ?? []), value]) } : undefined;

const mergeUnique = (a: Bucket, b: Bucket) => ({
  values: smallest([...(a.values ?? []), ...(b.values ?? [])]),
});

type Counted = [Scalar, number];

const byValue = ([a]: Counted, [b]: Counted) => compareScalars(a, b);

function addCount(bucket: Bucket, value: unknown): Partial<Bucket> | undefined {
  if (!usableScalar(value)) return undefined;
  const counts = bucket.counts ?? [];
  const held = counts.find(([known]) => known === value);
  if (!held && counts.length >= MAX_DISTINCT_VALUES) return {};
  const counted: Counted = [value, (held?.[1] ?? 0) + 1];
  const others = counts.filter(([known]) => known !== value);
  return { counts: [...others, counted].sort(byValue) };
}

/** Event counts by value over the buckets, most counted first; ties go to the smallest value. */
function ranked(buckets: readonly Bucket[]): Counted[] {
  const totals = new Map<Scalar, number>();
  for (const [value, count] of buckets.flatMap((bucket) => bucket.counts ?? []))
    totals.set(value, (totals.get(value) ?? 0) + count);
  return [...totals].sort((a, b) => b[1] - a[1] || byValue(a, b));
}

/** Counts add up per value; beyond the cap the most counted values stay. */
const mergeCounts = (a: Bucket, b: Bucket) => ({
  counts: ranked([a, b]).slice(0, MAX_DISTINCT_VALUES).sort(byValue),
});

/** The most frequent value over the buckets; ties go to the smallest value. */
const mostFrequent = (buckets: readonly Bucket[]): Json => ranked(buckets)[0]?.[0] ?? null;

export const aggregators: Record<ComputedTraitKind, Aggregator> = {
  event_counter: { add: () => ({}), merge: () => ({}), result: (buckets) => total(buckets, 'count') },
  sum: { add: addToSum, merge: mergeSums, result: (buckets) => total(buckets, 'sum') },
  average: {
    add: addToSum,
    merge: mergeSums,
    result: (buckets) => total(buckets, 'sum') / total(buckets, 'count'),
  },
  minimum: extreme('min', Math.min),
  maximum: extreme('max', Math.max),
  first_value: stamped('first'),
  last_value: stamped('last'),
  most_frequent: { add: addCount, merge: mergeCounts, result: mostFrequent },
  unique_list: { add: addUnique, merge: mergeUnique, result: uniqueValues },
  unique_count: { add: addUnique, merge: mergeUnique, result: (buckets) => uniqueValues(buckets).length },
};
