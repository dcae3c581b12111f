import type { Layout } from './layout.js';
import type { MixedRows } from './rows.js';
import type { Random } from './sampling.js';

/**
 * Huang's k-prototypes distance between two rows, on the model's scales: a numeric column
 * costs its precision per squared unit, and a differing flag or level (both known) its weight,
 * so one disagreement weighs about what a 1.4 σ gap does.
 */
export function rowDistance(data: MixedRows, rowA: number, rowB: number, layout: Layout): number {
  const { values, levels } = data;
  const { numericCount, depth, precision, categoricalWeights } = layout;
  let distance = 0;
  for (let i = 0; i < numericCount; i++) {
    const difference =
      (values[rowA * numericCount + i] as number) - (values[rowB * numericCount + i] as number);
    distance += (precision[i] as number) * difference * difference;
  }
  distance += unsharedFlagWeight(data, rowA, rowB, layout.flagWeights);
  for (let j = 0; j < depth; j++) {
    const levelA = levels[rowA * depth + j] as number;
    const levelB = levels[rowB * depth + j] as number;
    if (levelA !== levelB && levelA >= 0 && levelB >= 0) distance += categoricalWeights[j] as number;
  }
  return distance;
}

/** Total weight of the flags exactly one of two rows holds, by merging their ascending held lists. */
function unsharedFlagWeight(data: MixedRows, rowA: number, rowB: number, weights: Float64Array): number {
  const { heldStart, heldFlags } = data;
  let a = heldStart[rowA] as number;
  let b = heldStart[rowB] as number;
  const endA = heldStart[rowA + 1] as number;
  const endB = heldStart[rowB + 1] as number;
  let total = 0;
  while (a < endA || b < endB) {
    const flagA = a < endA ? (heldFlags[a] as number) : Number.POSITIVE_INFINITY;
    const flagB = b < endB ? (heldFlags[b] as number) : Number.POSITIVE_INFINITY;
    if (flagA === flagB) {
      a++;
      b++;
    } else if (flagA < flagB) {
      total += weights[flagA] as number;
      a++;
    } else {
      total += weights[flagB] as number;
      b++;
    }
  }
  return total;
}

/**
 * A starting partition by Arthur & Vassilvitskii's k-means++ seeding on the row distance
 * (already a squared one): each next seed is a row drawn in proportion to its distance to the
 * nearest seed so far, then every row joins its nearest seed.
 */
export function seededPartition(data: MixedRows, layout: Layout, k: number, random: Random): Int32Array {
  const labels = new Int32Array(data.rows);
  const nearest = new Float64Array(data.rows).fill(Number.POSITIVE_INFINITY);
  let seed = Math.floor(random() * data.rows);
  for (let cluster = 0; cluster < k; cluster++) {
    for (let row = 0; row < data.rows; row++) {
      const distance = rowDistance(data, row, seed, layout);
      if (distance < (nearest[row] as number)) {
        nearest[row] = distance;
        labels[row] = cluster;
      }
    }
    if (cluster + 1 < k) seed = drawProportional(nearest, random);
  }
  return labels;
}

/** A row drawn with probability proportional to its weight; uniformly when all weights are zero. */
function drawProportional(weights: Float64Array, random: Random): number {
  let total = 0;
  for (const weight of weights) total += weight;
  if (total === 0) return Math.floor(random() * weights.length);
  let remaining = random() * total;
  for (let row = 0; row < weights.length; row++) {
    remaining -= weights[row] as number;
    if (remaining < 0) return row;
  }
  // Rounding can leave a sliver at the end: the last row with any weight.
  return weights.findLastIndex((weight) => weight > 0);
}
