import type { FeatureMatrix } from '../model.js';
import { type ColumnWeights, checkWeights, type Layout, layoutOf, uniformWeights } from './layout.js';
import { estimatePrototypes, type Prototypes, rowCosts } from './prototypes.js';
import { columnsOf, type MixedRows, mixedRowsOf, subset } from './rows.js';
import { STREAMS, sampleRows, seededRandom } from './sampling.js';
import { SILHOUETTE_SAMPLE_SIZE } from './settings.js';

/**
 * Mean simplified silhouette (Hruschka et al. 2004) of labelled rows: for each row,
 * (b − a) / max(a, b), with a its cost under its own prototype and b the lowest cost under
 * another. It is the silhouette with the clustering's own dissimilarity, which is measured
 * against prototypes: between two single rows a level's share means nothing, and pairwise
 * mismatches miss that a segment spans several countries. Lies in [−1, 1]; linear in the rows.
 */
export function simplifiedSilhouette(
  data: MixedRows,
  labels: Int32Array,
  prototypes: Prototypes,
  layout: Layout,
): number {
  if (data.rows === 0 || prototypes.k < 2) return 0;
  const costs = new Float64Array(prototypes.k);
  let total = 0;
  for (let row = 0; row < data.rows; row++) {
    rowCosts(data, row, prototypes, layout, costs);
    const own = labels[row] as number;
    const within = costs[own] as number;
    let between = Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < prototypes.k; cluster++) {
      if (cluster !== own) between = Math.min(between, costs[cluster] as number);
    }
    const spread = Math.max(within, between);
    total += spread > 0 ? (between - within) / spread : 0;
  }
  return total / data.rows;
}

/**
 * The silhouette of any labelling of `matrix` into k clusters (another method's, say): the
 * prototypes are estimated from the labels, then measured on the seeded sample
 * `clusterProfiles` measures on for the same seed, so labellings compare fairly.
 */
export function silhouetteOfLabels(
  matrix: FeatureMatrix,
  labels: Int32Array,
  k: number,
  options: { seed: number; sampleSize?: number; weights?: ColumnWeights },
): number {
  if (labels.length !== matrix.rows) throw new RangeError(`${labels.length} labels for ${matrix.rows} rows`);
  if (labels.some((label) => label < 0 || label >= k)) throw new RangeError(`labels must lie in 0..${k - 1}`);
  const weights = options.weights ?? uniformWeights(matrix);
  checkWeights(matrix, weights);
  const columns = columnsOf(matrix);
  const data = mixedRowsOf(matrix, columns);
  const layout = layoutOf(columns, data, weights);
  const prototypes = estimatePrototypes(data, labels, k, layout);
  const random = seededRandom(options.seed, STREAMS.silhouetteSample);
  const rows = sampleRows(data.rows, options.sampleSize ?? SILHOUETTE_SAMPLE_SIZE, random);
  return simplifiedSilhouette(
    subset(data, rows),
    Int32Array.from(rows, (row) => labels[row] as number),
    prototypes,
    layout,
  );
}
