import { assignNearest, fillEmptyClusters, nearestLabels } from './assignment.js';
import type { Layout } from './layout.js';
import { estimatePrototypes, type Prototypes } from './prototypes.js';
import { type MixedRows, subset } from './rows.js';
import { STREAMS, sampleRows, seededRandom } from './sampling.js';
import { seededPartition } from './seeding.js';

export interface FitSettings {
  k: number;
  seed: number;
  /** Independent starts; the one with the lowest cost wins. */
  restarts: number;
  maxIterations: number;
  /** Called after each start with how many are done. */
  onRestart?: (done: number) => void;
}

export interface Fit {
  prototypes: Prototypes;
  /** Sum over rows of the cost of their cluster. */
  cost: number;
}

/**
 * Starts are screened on this many seeded rows, where each costs a fraction and still tells a
 * good start from a bad one; only the best is refined on every row.
 */
const SCREENING_ROWS = 1_000;

/**
 * k-prototypes on `data`: k-means++ starts, then Lloyd iterations — assign each row to its
 * cheapest prototype, re-estimate the prototypes from their members — until no row moves.
 * With likelihood costs this is Celeux & Govaert's classification EM, so no iteration raises
 * the cost. Best of several seeded starts.
 */
export function fitPrototypes(data: MixedRows, layout: Layout, settings: FitSettings): Fit {
  const { k, seed } = settings;
  const screening =
    data.rows > SCREENING_ROWS
      ? subset(data, sampleRows(data.rows, SCREENING_ROWS, seededRandom(seed, STREAMS.screeningSample, k)))
      : data;
  let best: Fit | undefined;
  for (let restart = 0; restart < settings.restarts; restart++) {
    const labels = seededPartition(screening, layout, k, seededRandom(seed, STREAMS.start, k, restart));
    const fit = lloyd(screening, layout, labels, settings);
    if (best === undefined || fit.cost < best.cost) best = fit;
    settings.onRestart?.(restart + 1);
  }
  if (best === undefined) throw new RangeError('restarts must be at least 1');
  if (screening === data) return best;
  return lloyd(data, layout, nearestLabels(data, best.prototypes, layout), settings);
}

function lloyd(data: MixedRows, layout: Layout, labels: Int32Array, settings: FitSettings): Fit {
  const costs = new Float64Array(data.rows);
  let prototypes = estimatePrototypes(data, labels, settings.k, layout);
  let stable = false;
  for (let iteration = 0; iteration < settings.maxIterations && !stable; iteration++) {
    const changed = assignNearest(data, prototypes, layout, labels, costs);
    const refilled = fillEmptyClusters(labels, costs, settings.k);
    stable = changed === 0 && !refilled;
    if (!stable) prototypes = estimatePrototypes(data, labels, settings.k, layout);
  }
  // Out of iterations, the prototypes moved after the last assignment: measure them as they are.
  if (!stable) assignNearest(data, prototypes, layout, labels, costs);
  let cost = 0;
  for (const rowCost of costs) cost += rowCost;
  return { prototypes, cost };
}
