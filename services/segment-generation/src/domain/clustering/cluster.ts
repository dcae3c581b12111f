import type { Clustering, FeatureMatrix } from '../model.js';
import { clusterSizes, nearestLabels } from './assignment.js';
import { fitPrototypes } from './k-prototypes.js';
import { checkWeights, type Layout, layoutOf, uniformWeights } from './layout.js';
import { type Prototypes, permuted } from './prototypes.js';
import { columnsOf, type MixedRows, mixedRowsOf, subset } from './rows.js';
import { STREAMS, sampleRows, seededRandom } from './sampling.js';
import { type ClusterOptions, type ClusterSettings, checkedSettings } from './settings.js';
import { simplifiedSilhouette } from './silhouette.js';

/** What it takes to place rows a clustering was not computed on: its prototypes, in label order, and their layout. */
export interface ClusterModel {
  prototypes: Prototypes;
  layout: Layout;
}

export interface FittedClustering extends Clustering {
  model: ClusterModel;
}

/**
 * Clusters the rows of `matrix` by k-prototypes: fits the prototypes on a seeded sample, picks
 * k by the silhouette on another seeded sample when k is not given, then assigns every row.
 * Labels are ordered by cluster size, largest first, so a seed always yields the same labels.
 */
export function clusterProfiles(matrix: FeatureMatrix, options: ClusterOptions): FittedClustering {
  const settings = checkedSettings(matrix.rows, options);
  const weights = options.weights ?? uniformWeights(matrix);
  checkWeights(matrix, weights);
  const columns = columnsOf(matrix);
  const data = mixedRowsOf(matrix, columns);
  const fitRows = sampleRows(
    data.rows,
    settings.fitSampleSize,
    seededRandom(settings.seed, STREAMS.fitSample),
  );
  const fitData = fitRows.length === data.rows ? data : subset(data, fitRows);
  const layout = layoutOf(columns, fitData, weights);
  const evaluationRows = sampleRows(
    data.rows,
    settings.silhouetteSampleSize,
    seededRandom(settings.seed, STREAMS.silhouetteSample),
  );
  const evaluationData = subset(data, evaluationRows);
  const report = progressOf(settings);
  const candidates = settings.ks.map((k, index) => {
    const { prototypes } = fitPrototypes(fitData, layout, {
      ...settings,
      k,
      onRestart: (done) => report(index * settings.restarts + done),
    });
    const labels = nearestLabels(evaluationData, prototypes, layout);
    return { k, silhouette: simplifiedSilhouette(evaluationData, labels, prototypes, layout), prototypes };
  });
  // Highest silhouette; the smaller k on a tie, as candidates run in ascending k.
  const chosen = candidates.reduce((best, candidate) =>
    candidate.silhouette > best.silhouette ? candidate : best,
  );
  const { labels, prototypes } = labelledBySize(data, chosen.prototypes, layout);
  settings.onProgress?.(1);
  return {
    k: chosen.k,
    labels,
    silhouette: chosen.silhouette,
    candidates: candidates.map(({ k, silhouette }) => ({ k, silhouette })),
    kChosenAutomatically: options.k === undefined,
    seed: settings.seed,
    fitSampleSize: fitRows.length,
    model: { prototypes, layout },
  };
}

/** Labels of rows outside the clustered matrix, encoded with the same schema: their cheapest prototype. */
export function assignToClusters(matrix: FeatureMatrix, model: ClusterModel): Int32Array {
  const columns = columnsOf(matrix);
  const { layout } = model;
  const sameShape = (a: Int32Array, b: Int32Array) =>
    a.length === b.length && a.every((value, i) => value === b[i]);
  if (
    !sameShape(columns.numericColumns, layout.numericColumns) ||
    !sameShape(columns.flagColumns, layout.flagColumns) ||
    !sameShape(columns.levelOffsets, layout.levelOffsets)
  ) {
    throw new RangeError('the matrix was not encoded with the schema the clustering was fitted on');
  }
  return nearestLabels(mixedRowsOf(matrix, columns), model.prototypes, layout);
}

/** Every row's cheapest prototype, clusters renumbered by size (largest first, then prototype order). */
function labelledBySize(
  data: MixedRows,
  prototypes: Prototypes,
  layout: Layout,
): { labels: Int32Array; prototypes: Prototypes } {
  const labels = nearestLabels(data, prototypes, layout);
  const sizes = clusterSizes(labels, prototypes.k);
  const order = [...sizes.keys()].sort((a, b) => (sizes[b] as number) - (sizes[a] as number) || a - b);
  const rank = new Int32Array(prototypes.k);
  order.forEach((cluster, label) => {
    rank[cluster] = label;
  });
  for (let row = 0; row < labels.length; row++) labels[row] = rank[labels[row] as number] as number;
  return { labels, prototypes: permuted(prototypes, order) };
}

/** Reports the share of fitting starts done; the final assignment is the last step. */
function progressOf(settings: ClusterSettings): (startsDone: number) => void {
  const steps = settings.ks.length * settings.restarts + 1;
  return (startsDone) => settings.onProgress?.(startsDone / steps);
}
