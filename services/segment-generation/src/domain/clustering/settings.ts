import type { ColumnWeights } from './layout.js';

export interface ClusterOptions {
  /** Unsigned 32-bit integer; the same seed, options and matrix give the same labels. */
  seed: number;
  /** The number of clusters, 2–10; chosen by silhouette within `kRange` when absent. */
  k?: number;
  /** Inclusive bounds of the k tried when `k` is absent; defaults to [3, 5]. */
  kRange?: readonly [number, number];
  /** Share of the work done, in (0, 1], reported as it goes. */
  onProgress?: (fraction: number) => void;
  /** Emphasis per column, normally a feature space's; all 1 when absent. */
  weights?: ColumnWeights;
  /** Prototypes are fitted on at most this many seeded rows, then everyone is assigned. */
  fitSampleSize?: number;
  /** The silhouette is measured on at most this many seeded rows. */
  silhouetteSampleSize?: number;
  /** Independent k-means++ starts per k; the lowest cost wins. */
  restarts?: number;
  maxIterations?: number;
}

export interface ClusterSettings {
  seed: number;
  /** The k values to try, ascending. */
  ks: number[];
  fitSampleSize: number;
  silhouetteSampleSize: number;
  restarts: number;
  maxIterations: number;
  onProgress?: (fraction: number) => void;
}

export const MIN_K = 2;
export const MAX_K = 10;

/** Rows the silhouette is measured on by default: plenty for a stable mean, cheap at any population. */
export const SILHOUETTE_SAMPLE_SIZE = 2_000;

const DEFAULTS = {
  kRange: [3, 5] as const,
  fitSampleSize: 8_000,
  silhouetteSampleSize: SILHOUETTE_SAMPLE_SIZE,
  restarts: 8,
  maxIterations: 100,
};

export function checkedSettings(rows: number, options: ClusterOptions): ClusterSettings {
  const { seed, k, kRange = DEFAULTS.kRange } = options;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer, got ${seed}`);
  }
  const [low, high] = k === undefined ? kRange : [k, k];
  checkK(low, k === undefined ? 'kRange[0]' : 'k');
  checkK(high, k === undefined ? 'kRange[1]' : 'k');
  if (low > high) throw new RangeError(`kRange must be ascending, got [${low}, ${high}]`);
  // A silhouette needs a row outside every cluster, so k stops below the row count.
  const ks = Array.from({ length: high - low + 1 }, (_, i) => low + i).filter(
    (candidate) => candidate < rows,
  );
  if (ks.length === 0) throw new RangeError(`${rows} rows are too few for k = ${low}`);
  return {
    seed,
    ks,
    // Fewer fitting rows than clusters would leave clusters without a member.
    fitSampleSize: integerAtLeast('fitSampleSize', options.fitSampleSize ?? DEFAULTS.fitSampleSize, high),
    silhouetteSampleSize: integerAtLeast(
      'silhouetteSampleSize',
      options.silhouetteSampleSize ?? DEFAULTS.silhouetteSampleSize,
      1,
    ),
    restarts: integerAtLeast('restarts', options.restarts ?? DEFAULTS.restarts, 1),
    maxIterations: integerAtLeast('maxIterations', options.maxIterations ?? DEFAULTS.maxIterations, 1),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  };
}

function checkK(value: number, name: string): void {
  if (!Number.isInteger(value) || value < MIN_K || value > MAX_K) {
    throw new RangeError(`${name} must be an integer in [${MIN_K}, ${MAX_K}], got ${value}`);
  }
}

function integerAtLeast(name: string, value: number, minimum: number): number {
  if (!Number.isInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be an integer ≥ ${minimum}, got ${value}`);
  }
  return value;
}
