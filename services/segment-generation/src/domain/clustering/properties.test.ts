import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CategoricalFeature, FeatureMatrix, FlagFeature, NumericFeature } from '../model.js';
import { clusterProfiles } from './cluster.js';
import { rowCosts } from './prototypes.js';
import { columnsOf, mixedRowsOf } from './rows.js';
import { silhouetteOfLabels } from './silhouette.js';

const numericFeature = (key: string): NumericFeature => ({
  kind: 'numeric',
  key,
  group: 'behavioural',
  center: 0,
  scale: 1,
});
const flagFeature = (value: string): FlagFeature => ({
  kind: 'flag',
  key: 'tags',
  group: 'psychographic',
  value,
});

/** A small mixed matrix: some numbers, some flags, some categoricals with missing levels. */
const matrixArb: fc.Arbitrary<FeatureMatrix> = fc
  .record({
    rows: fc.integer({ min: 6, max: 40 }),
    numbers: fc.integer({ min: 0, max: 3 }),
    flags: fc.integer({ min: 0, max: 4 }),
    levels: fc.array(fc.integer({ min: 2, max: 4 }), { maxLength: 3 }),
  })
  .chain(({ rows, numbers, flags, levels }) =>
    fc
      .record({
        numeric: fc.array(
          fc.tuple(
            fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: numbers, maxLength: numbers }),
            fc.array(fc.constantFrom(0, 1), { minLength: flags, maxLength: flags }),
          ),
          { minLength: rows, maxLength: rows },
        ),
        categorical: fc.array(fc.tuple(...levels.map((count) => fc.integer({ min: -1, max: count - 1 }))), {
          minLength: rows,
          maxLength: rows,
        }),
      })
      .map(
        ({ numeric, categorical }): FeatureMatrix => ({
          rows,
          numericFeatures: [
            ...Array.from({ length: numbers }, (_, i) => numericFeature(`n${i}`)),
            ...Array.from({ length: flags }, (_, i) => flagFeature(`f${i}`)),
          ],
          numeric: Float64Array.from(numeric.flatMap(([values, held]) => [...values, ...held])),
          categoricalFeatures: levels.map(
            (count, j): CategoricalFeature => ({
              kind: 'categorical',
              key: `c${j}`,
              group: 'demographic',
              levels: Array.from({ length: count }, (_, level) => `l${level}`),
            }),
          ),
          categorical: Int32Array.from(categorical.flat()),
        }),
      ),
  );

const settingsArb = fc.record({ k: fc.integer({ min: 2, max: 5 }), seed: fc.nat({ max: 0xffffffff }) });

describe('clustering properties', () => {
  it('labels every row with a cluster in 0..k−1', () => {
    fc.assert(
      fc.property(matrixArb, settingsArb, (matrix, { k, seed }) => {
        const clustering = clusterProfiles(matrix, { seed, k: Math.min(k, matrix.rows - 1), restarts: 2 });
        expect(clustering.labels).toHaveLength(matrix.rows);
        expect(clustering.labels.every((label) => label >= 0 && label < clustering.k)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('puts every row with its cheapest prototype', () => {
    fc.assert(
      fc.property(matrixArb, settingsArb, (matrix, { k, seed }) => {
        const { labels, model } = clusterProfiles(matrix, {
          seed,
          k: Math.min(k, matrix.rows - 1),
          restarts: 2,
        });
        const data = mixedRowsOf(matrix, columnsOf(matrix));
        const costs = new Float64Array(model.prototypes.k);
        for (let row = 0; row < matrix.rows; row++) {
          rowCosts(data, row, model.prototypes, model.layout, costs);
          expect(costs[labels[row] as number]).toBe(Math.min(...costs));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same labels for the same seed', () => {
    fc.assert(
      fc.property(matrixArb, settingsArb, (matrix, { seed }) => {
        expect(clusterProfiles(matrix, { seed, kRange: [2, 4] }).labels).toEqual(
          clusterProfiles(matrix, { seed, kRange: [2, 4] }).labels,
        );
      }),
      { numRuns: 30 },
    );
  });

  it('measures any labelling’s silhouette within [−1, 1]', () => {
    const labelled = matrixArb.chain((matrix) =>
      fc.record({
        matrix: fc.constant(matrix),
        k: fc.constant(3),
        labels: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: matrix.rows, maxLength: matrix.rows }),
      }),
    );
    fc.assert(
      fc.property(labelled, fc.nat(), ({ matrix, k, labels }, seed) => {
        const silhouette = silhouetteOfLabels(matrix, Int32Array.from(labels), k, { seed });
        expect(silhouette).toBeGreaterThanOrEqual(-1);
        expect(silhouette).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});
