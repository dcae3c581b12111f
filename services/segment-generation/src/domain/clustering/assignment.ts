import type { Layout } from './layout.js';
import { type Prototypes, rowCosts } from './prototypes.js';
import type { MixedRows } from './rows.js';

/**
 * Moves each row to its cheapest prototype and records that cost; a row leaves its cluster
 * only for a strictly cheaper one, so ties cannot make the iterations cycle. Rows labelled −1
 * take the cheapest, the lowest index on a tie. Answers how many rows changed cluster.
 */
export function assignNearest(
  data: MixedRows,
  prototypes: Prototypes,
  layout: Layout,
  labels: Int32Array,
  costs: Float64Array,
): number {
  const clusterCosts = new Float64Array(prototypes.k);
  let changed = 0;
  for (let row = 0; row < data.rows; row++) {
    rowCosts(data, row, prototypes, layout, clusterCosts);
    const current = labels[row] as number;
    let best = current;
    let bestCost = current >= 0 ? (clusterCosts[current] as number) : Number.POSITIVE_INFINITY;
    for (let cluster = 0; cluster < prototypes.k; cluster++) {
      if ((clusterCosts[cluster] as number) < bestCost) {
        bestCost = clusterCosts[cluster] as number;
        best = cluster;
      }
    }
    if (best !== current) changed++;
    labels[row] = best;
    costs[row] = bestCost;
  }
  return changed;
}

/** Labels of every row under fixed prototypes. */
export function nearestLabels(data: MixedRows, prototypes: Prototypes, layout: Layout): Int32Array {
  const labels = new Int32Array(data.rows).fill(-1);
  assignNearest(data, prototypes, layout, labels, new Float64Array(data.rows));
  return labels;
}

/**
 * Gives every empty cluster the row that fits its own cluster worst (sklearn's remedy), taken
 * only from clusters that keep a member; answers whether anything moved.
 */
export function fillEmptyClusters(labels: Int32Array, costs: Float64Array, k: number): boolean {
  const sizes = clusterSizes(labels, k);
  let moved = false;
  for (let cluster = 0; cluster < k; cluster++) {
    if (sizes[cluster] !== 0) continue;
    let worst = -1;
    for (let row = 0; row < labels.length; row++) {
      const donor = labels[row] as number;
      if ((sizes[donor] as number) > 1 && (worst < 0 || (costs[row] as number) > (costs[worst] as number)))
        worst = row;
    }
    if (worst < 0) break;
    const donor = labels[worst] as number;
    sizes[donor] = (sizes[donor] as number) - 1;
    sizes[cluster] = 1;
    labels[worst] = cluster;
    moved = true;
  }
  return moved;
}

export function clusterSizes(labels: Int32Array, k: number): Int32Array {
  const sizes = new Int32Array(k);
  for (const label of labels) sizes[label] = (sizes[label] as number) + 1;
  return sizes;
}
