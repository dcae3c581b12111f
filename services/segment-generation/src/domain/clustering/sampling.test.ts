import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STREAMS, sampleRows, seededRandom } from './sampling.js';

describe('seeded sampling', () => {
  it('draws the same numbers for the same seed and stream, different ones otherwise', () => {
    const draws = (random: () => number) => Array.from({ length: 5 }, random);
    expect(draws(seededRandom(7, STREAMS.start, 4, 0))).toEqual(draws(seededRandom(7, STREAMS.start, 4, 0)));
    expect(draws(seededRandom(7, STREAMS.start, 4, 0))).not.toEqual(
      draws(seededRandom(7, STREAMS.start, 4, 1)),
    );
    expect(draws(seededRandom(7, STREAMS.fitSample))).not.toEqual(draws(seededRandom(8, STREAMS.fitSample)));
  });

  it('samples distinct rows in ascending order, all of them when asked for as many', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 1, max: 600 }),
        fc.nat(),
        (rows, size, seed) => {
          const sample = sampleRows(rows, size, seededRandom(seed));
          expect(sample).toHaveLength(Math.min(rows, size));
          for (let i = 1; i < sample.length; i++) expect(sample[i]).toBeGreaterThan(sample[i - 1] as number);
          expect(sample.every((row) => row >= 0 && row < rows)).toBe(true);
        },
      ),
    );
  });
});
