import { adjustedRandIndex } from '@prism/population';
import { describe, expect, it } from 'vitest';
import { plantedAudience } from '../../testing/planted.js';
import { buildFeatures, matrixFor } from '../features/index.js';
import type { AudienceProfile, FeatureMatrix } from '../model.js';
import { assignToClusters, clusterProfiles } from './cluster.js';
import { silhouetteOfLabels } from './silhouette.js';

const audience = plantedAudience({ seed: 7, size: 4000 });
const space = buildFeatures(audience.profiles);

function agreementWithTruth(labels: Int32Array): number {
  const truth = new Map(audience.truth.map((segment, row) => [String(row), segment]));
  return adjustedRandIndex(truth, new Map([...labels].map((label, row) => [String(row), label])));
}

describe('clusterProfiles on the planted audience', () => {
  const clustering = clusterProfiles(space.matrix, { seed: 1, weights: space.weights });

  it('finds the four planted segments by itself (k = 4, adjusted Rand index ≥ 0.9)', () => {
    expect(clustering.kChosenAutomatically).toBe(true);
    expect(clustering.candidates.map(({ k }) => k)).toEqual([3, 4, 5]);
    expect(clustering.k).toBe(4);
    expect(agreementWithTruth(clustering.labels)).toBeGreaterThanOrEqual(0.9);
  });

  it('reports the silhouette of the k it chose, the best of the candidates', () => {
    const best = Math.max(...clustering.candidates.map(({ silhouette }) => silhouette));
    expect(clustering.silhouette).toBe(best);
  });

  it('gives the same labels for the same seed, numbered by cluster size', () => {
    const again = clusterProfiles(space.matrix, { seed: 1, weights: space.weights });
    expect(again.labels).toEqual(clustering.labels);
    const sizes = [0, 1, 2, 3].map((label) => clustering.labels.filter((l) => l === label).length);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
  });

  it('finds the segments from other seeds too', () => {
    for (const seed of [2, 3, 4_000_000_000]) {
      const other = clusterProfiles(space.matrix, { seed, weights: space.weights });
      expect(other.k).toBe(4);
      expect(agreementWithTruth(other.labels)).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('fits on a sample and still labels everyone', () => {
    const sampled = clusterProfiles(space.matrix, {
      seed: 1,
      k: 4,
      fitSampleSize: 1500,
      weights: space.weights,
    });
    expect(sampled.fitSampleSize).toBe(1500);
    expect(sampled.labels).toHaveLength(4000);
    expect(agreementWithTruth(sampled.labels)).toBeGreaterThanOrEqual(0.9);
  });

  it('places newcomers with the fitted model as it placed the people it was fitted on', () => {
    const newcomers = matrixFor(space, audience.profiles.slice(0, 500));
    expect(assignToClusters(newcomers, clustering.model)).toEqual(clustering.labels.slice(0, 500));
  });
});

describe('clusterProfiles options', () => {
  it('uses a given k, with that one candidate', () => {
    const clustering = clusterProfiles(space.matrix, { seed: 1, k: 2, restarts: 2 });
    expect(clustering.k).toBe(2);
    expect(clustering.kChosenAutomatically).toBe(false);
    expect(clustering.candidates).toEqual([{ k: 2, silhouette: clustering.silhouette }]);
  });

  it('refuses a k outside 2–10, a bad range or seed, and more clusters than rows', () => {
    const cluster = (options: Partial<Parameters<typeof clusterProfiles>[1]>) => () =>
      clusterProfiles(space.matrix, { seed: 1, ...options });
    expect(cluster({ k: 1 })).toThrow(RangeError);
    expect(cluster({ k: 11 })).toThrow(RangeError);
    expect(cluster({ k: 3.5 })).toThrow(RangeError);
    expect(cluster({ kRange: [5, 3] })).toThrow(RangeError);
    expect(cluster({ kRange: [1, 4] })).toThrow(RangeError);
    expect(cluster({ seed: -1 })).toThrow(RangeError);
    const tiny = buildFeatures(audience.profiles.slice(0, 3));
    expect(() => clusterProfiles(tiny.matrix, { seed: 1, k: 3 })).toThrow(RangeError);
  });

  it('reports rising progress that ends at 1', () => {
    const reported: number[] = [];
    clusterProfiles(space.matrix, {
      seed: 1,
      kRange: [3, 4],
      restarts: 2,
      onProgress: (f) => reported.push(f),
    });
    expect(reported).toEqual([...reported].sort((a, b) => a - b));
    expect(reported.at(-1)).toBe(1);
    expect(reported.every((fraction) => fraction > 0 && fraction <= 1)).toBe(true);
  });

  it('refuses weights that do not fit the matrix', () => {
    const weights = { numeric: new Float64Array(1), categorical: new Float64Array(1) };
    expect(() => clusterProfiles(space.matrix, { seed: 1, weights })).toThrow(RangeError);
  });
});

describe('clusterProfiles on awkward data', () => {
  const profiles = (traits: Record<string, unknown>[]): AudienceProfile[] =>
    traits.map((t, i) => ({ profileId: `p${i}`, traits: t }));

  it('clusters identical profiles without failing', () => {
    const same = buildFeatures(profiles(Array.from({ length: 20 }, () => ({ age: 30, tier: 'gold' }))));
    const clustering = clusterProfiles(same.matrix, { seed: 1, k: 3 });
    expect(clustering.labels).toHaveLength(20);
    expect(clustering.silhouette).toBe(0);
  });

  it('clusters profiles with mostly missing traits', () => {
    const sparse = buildFeatures(
      profiles(
        Array.from({ length: 60 }, (_, i) => ({
          ...(i % 3 === 0 ? { age: 20 + i } : {}),
          ...(i % 4 === 0 ? { tier: ['gold', 'silver'][(i / 4) % 2] } : {}),
          ...(i % 5 === 0 ? { tags: ['a', 'b', 'c'].slice(i % 3) } : {}),
        })),
      ),
    );
    const clustering = clusterProfiles(sparse.matrix, { seed: 3 });
    expect(clustering.labels.every((label) => label >= 0 && label < clustering.k)).toBe(true);
    expect(Number.isFinite(clustering.silhouette)).toBe(true);
  });

  it('gives no weight to a column whose spread underflows, rather than NaN', () => {
    const tiny: FeatureMatrix = {
      rows: 6,
      numericFeatures: [{ kind: 'numeric', key: 'dust', group: 'behavioural', center: 0, scale: 1 }],
      numeric: Float64Array.from([4e-162, 0, 0, 0, 0, 0]),
      categoricalFeatures: [],
      categorical: new Int32Array(),
    };
    expect(silhouetteOfLabels(tiny, new Int32Array(6), 3, { seed: 0 })).toBe(0);
    expect(clusterProfiles(tiny, { seed: 0, k: 2 }).silhouette).toBe(0);
  });
});
