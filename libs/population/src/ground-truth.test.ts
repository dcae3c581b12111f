import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, groundTruth } from './ground-truth.js';
import { generatePopulation } from './population.js';

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const partition = <T extends string | number>(labels: T[]) =>
  new Map(ids.map((id, index) => [id, labels[index] as T]));

describe('groundTruth', () => {
  it('gives the planted segment of every person by id', () => {
    const people = [...generatePopulation({ seed: 1, size: 20, now: new Date('2025-01-01T00:00:00Z') })];
    const truth = groundTruth(people);
    expect(truth.size).toBe(20);
    for (const person of people) expect(truth.get(person.id)).toBe(person.segmentId);
  });
});

describe('adjustedRandIndex', () => {
  it('is 1 for the same partition under other cluster names', () => {
    expect(adjustedRandIndex(partition(['x', 'x', 'y', 'y', 'z', 'z']), partition([2, 2, 0, 0, 1, 1]))).toBe(
      1,
    );
  });

  it('matches the reference value of a partly wrong clustering', () => {
    // scikit-learn: adjusted_rand_score([0, 0, 1, 1], [0, 0, 1, 2]) == 0.5714…
    const truth = new Map([
      ['a', '0'],
      ['b', '0'],
      ['c', '1'],
      ['d', '1'],
    ]);
    const predicted = new Map([
      ['a', 0],
      ['b', 0],
      ['c', 1],
      ['d', 2],
    ]);
    expect(adjustedRandIndex(truth, predicted)).toBeCloseTo(0.5714285714, 9);
  });

  it('is at most 0 when the clustering ignores the segments', () => {
    expect(
      adjustedRandIndex(partition(['x', 'x', 'x', 'y', 'y', 'y']), partition([0, 1, 2, 0, 1, 2])),
    ).toBeLessThanOrEqual(0);
  });

  it('refuses a clustering that leaves people out', () => {
    expect(() => adjustedRandIndex(partition(['x', 'x', 'x', 'y', 'y', 'y']), new Map([['a', 0]]))).toThrow(
      RangeError,
    );
  });
});
