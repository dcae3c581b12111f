import type { Person } from './population.js';
import type { SegmentId } from './segments.js';

/** The planted segment of each person, by person id (`userId`). */
export function groundTruth(people: Iterable<Person>): Map<string, SegmentId> {
  const truth = new Map<string, SegmentId>();
  for (const person of people) truth.set(person.id, person.segmentId);
  return truth;
}

/**
 * Adjusted Rand index (Hubert & Arabie) of a clustering against the ground truth: 1 when the
 * partitions agree up to renaming, about 0 for a random clustering. Every person of `truth` must
 * have a cluster in `predicted`.
 */
export function adjustedRandIndex(
  truth: ReadonlyMap<string, string>,
  predicted: ReadonlyMap<string, string | number>,
): number {
  const pairs = new Map<string, number>();
  const truthSizes = new Map<string, number>();
  const predictedSizes = new Map<string | number, number>();
  for (const [id, segment] of truth) {
    const cluster = predicted.get(id);
    if (cluster === undefined) throw new RangeError(`no predicted cluster for ${id}`);
    increment(pairs, JSON.stringify([segment, cluster]));
    increment(truthSizes, segment);
    increment(predictedSizes, cluster);
  }
  const index = sumOfPairs(pairs);
  const truthPairs = sumOfPairs(truthSizes);
  const predictedPairs = sumOfPairs(predictedSizes);
  const allPairs = pairsOf(truth.size);
  const expected = allPairs === 0 ? 0 : (truthPairs * predictedPairs) / allPairs;
  const maximum = (truthPairs + predictedPairs) / 2;
  // Both partitions trivial (one group, or one person per group, or under two people): they agree.
  if (maximum === expected) return 1;
  return (index - expected) / (maximum - expected);
}

function increment<K>(counts: Map<K, number>, key: K): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function sumOfPairs<K>(counts: ReadonlyMap<K, number>): number {
  let sum = 0;
  for (const count of counts.values()) sum += pairsOf(count);
  return sum;
}

function pairsOf(count: number): number {
  return (count * (count - 1)) / 2;
}
