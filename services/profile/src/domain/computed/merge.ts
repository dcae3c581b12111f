import { aggregators, type Bucket, byDay } from './aggregators.js';
import type { ComputedTraitDefinition } from './definition.js';
import { type ComputedTraitState, expire } from './state.js';

/**
 * The state of a profile merged from two (identity resolution), as if one profile had received
 * both histories: buckets out of the window at `now` are dropped, same-day buckets combined.
 * For states of the same `now`, that is exactly the backfill of both histories together, but for
 * float sums (order of addition) and for `most_frequent` buckets holding more than
 * `MAX_DISTINCT_VALUES` distinct values together (see there). Commutative; when one state is
 * absent, returns the other itself unless some of it expired.
 */
export function mergeStates(
  a: ComputedTraitState | undefined,
  b: ComputedTraitState | undefined,
  definition: ComputedTraitDefinition,
  now: Date,
): ComputedTraitState | undefined {
  const left = expire(a, definition, now);
  const right = expire(b, definition, now);
  if (!left || !right) return left ?? right;
  const days = new Map(left.buckets.map((bucket) => [bucket.day, bucket]));
  for (const bucket of right.buckets) {
    const held = days.get(bucket.day);
    days.set(bucket.day, held ? mergeBuckets(definition, held, bucket) : bucket);
  }
  return { buckets: [...days.values()].sort(byDay) };
}

function mergeBuckets(definition: ComputedTraitDefinition, a: Bucket, b: Bucket): Bucket {
  return { day: a.day, count: a.count + b.count, ...aggregators[definition.kind].merge(a, b) };
}
