import type { TraitCondition } from '@prism/rules';
import type { CategoricalColumn, Column, FlagColumn, NumericColumn } from './columns.js';

/** Rows of a node (or one side of a split) and how many of them are in the cluster. */
export interface Counts {
  rows: number;
  positives: number;
}

/**
 * A candidate split: rows matching `condition` on one side, everyone else on the other. A
 * missing trait matches no condition, so missing values always fall on the unmatched side,
 * exactly as the rule will treat them.
 */
export interface Split {
  condition: TraitCondition;
  /** Weighted Gini impurity of the two sides; lower is better. */
  impurity: number;
  matches: (row: number) => boolean;
}

/** What a split search sees of the node being split. */
export interface NodeView {
  /** 1 for the node's rows. */
  inNode: Uint8Array;
  rows: Int32Array;
  /** 1 for the cluster's rows. */
  positive: Uint8Array;
  counts: Counts;
  minLeaf: number;
}

/** Gini impurity of a side, weighted by its size (halved, which orders splits the same). */
export const impurity = ({ rows, positives }: Counts): number =>
  rows === 0 ? 0 : (positives * (rows - positives)) / rows;

/** Impurity of a split into two sides, Infinity when a side is smaller than a leaf may be. */
function splitImpurity(matched: Counts, unmatched: Counts, minLeaf: number): number {
  if (matched.rows < minLeaf || unmatched.rows < minLeaf) return Number.POSITIVE_INFINITY;
  return impurity(matched) + impurity(unmatched);
}

export function bestSplit(column: Column, node: NodeView): Split | undefined {
  if (column.kind === 'numeric') return numericSplit(column, node);
  if (column.kind === 'flag') return flagSplit(column, node);
  return categoricalSplit(column, node);
}

function flagSplit(column: FlagColumn, node: NodeView): Split | undefined {
  const tally = tallied(column.held, 2, node);
  const held = counts(tally.rows[1] as number, tally.positives[1] as number);
  const score = splitImpurity(held, minus(node.counts, held), node.minLeaf);
  if (score === Number.POSITIVE_INFINITY) return undefined;
  const condition: TraitCondition = { key: column.key, operator: 'contains', value: column.value };
  return { condition, impurity: score, matches: (row) => column.held[row] === 1 };
}

/** The node's rows and positives per code of a column of small codes; the split search's hot loop. */
function tallied(
  codes: Uint8Array | Int32Array,
  size: number,
  node: NodeView,
): { rows: Int32Array; positives: Int32Array } {
  const rows = new Int32Array(size);
  const positives = new Int32Array(size);
  const { rows: nodeRows, positive } = node;
  for (let at = 0; at < nodeRows.length; at++) {
    const row = nodeRows[at] as number;
    const code = codes[row] as number;
    rows[code] = (rows[code] as number) + 1;
    positives[code] = (positives[code] as number) + (positive[row] as number);
  }
  return { rows, positives };
}

const counts = (rows: number, positives: number): Counts => ({ rows, positives });
const minus = (a: Counts, b: Counts): Counts => counts(a.rows - b.rows, a.positives - b.positives);
const plus = (a: Counts, b: Counts): Counts => counts(a.rows + b.rows, a.positives + b.positives);

/**
 * The best threshold, scanning the node's values in ascending order. Either side can be the
 * matched one (`≥ t` or `< t`), the other taking the missing values; on a tie the matched side
 * is the one richer in the cluster, so an unknown value does not qualify for it.
 */
function numericSplit(column: NumericColumn, node: NodeView): Split | undefined {
  const { values } = column;
  const { rows, positive } = node;
  const missing = counts(0, 0);
  for (let at = 0; at < rows.length; at++) {
    const row = rows[at] as number;
    if (Number.isNaN(values[row])) {
      missing.rows++;
      missing.positives += positive[row] as number;
    }
  }
  const present = minus(node.counts, missing);
  const below = counts(0, 0);
  const best = { impurity: Number.POSITIVE_INFINITY, low: 0, high: 0, atLeast: true };
  let previous = Number.NaN;
  for (const row of column.order) {
    if (node.inNode[row] === 0) continue;
    const value = values[row] as number;
    if (below.rows > 0 && value > previous) {
      const above = minus(present, below);
      const atLeast = splitImpurity(above, plus(below, missing), node.minLeaf);
      const under = splitImpurity(below, plus(above, missing), node.minLeaf);
      if (Math.min(atLeast, under) < best.impurity) {
        const aboveIsRicher = above.positives * below.rows >= below.positives * above.rows;
        best.atLeast = atLeast < under || (atLeast === under && aboveIsRicher);
        best.impurity = Math.min(atLeast, under);
        best.low = previous;
        best.high = value;
      }
    }
    below.rows++;
    below.positives += positive[row] as number;
    previous = value;
  }
  if (best.impurity === Number.POSITIVE_INFINITY) return undefined;
  return thresholdSplit(column, best.impurity, roundThreshold(best.low, best.high), best.atLeast);
}

function thresholdSplit(column: NumericColumn, score: number, threshold: number, atLeast: boolean): Split {
  const { key, values } = column;
  const operator = atLeast ? 'greater_or_equal' : 'less_than';
  // NaN compares false both ways, as a missing trait fails both conditions.
  const matches = atLeast
    ? (row: number) => (values[row] as number) >= threshold
    : (row: number) => (values[row] as number) < threshold;
  return { condition: { key, operator, value: threshold }, impurity: score, matches };
}

/**
 * The roundest number in (low, high]: `≥ t` then splits the values exactly as `> low`, and the
 * rule reads `age ≥ 25` or `orders_90d ≥ 3` rather than a midpoint like 24.5.
 */
export function roundThreshold(low: number, high: number): number {
  for (let digits = -Math.ceil(Math.log10(Math.abs(high) + 1)); digits <= 12; digits++) {
    // Integer powers of ten on both sides, so 30 stays 30 (3 / 0.1 is 30.000000000000004).
    const candidate =
      digits < 0
        ? Math.floor(high / 10 ** -digits) * 10 ** -digits
        : Math.floor(high * 10 ** digits) / 10 ** digits;
    if (candidate > low && candidate <= high) return candidate;
  }
  return high;
}

/**
 * The best grouping of levels: with levels ordered by their share of the cluster, the best
 * binary split is one of the cuts of that order (Breiman). The condition lists the shorter side
 * of the cut, so the rule stays readable; missing values and values of no level cannot be
 * listed, so they go with the other side.
 */
function categoricalSplit(column: CategoricalColumn, node: NodeView): Split | undefined {
  const neither = column.levels.length;
  const tally = tallied(column.codes, neither + 1, node);
  const ranked = column.levels
    .map((_, code) => ({
      rows: tally.rows[code] as number,
      positives: tally.positives[code] as number,
      code,
    }))
    .filter((level) => level.rows > 0)
    .sort((a, b) => b.positives * a.rows - a.positives * b.rows || a.code - b.code);
  let best: { impurity: number; listed: number[] } | undefined;
  for (let cut = 1; cut < ranked.length; cut++) {
    const side = cut <= ranked.length - cut ? ranked.slice(0, cut) : ranked.slice(cut);
    const listed = side.reduce<Counts>(plus, counts(0, 0));
    const score = splitImpurity(listed, minus(node.counts, listed), node.minLeaf);
    if (score < (best?.impurity ?? Number.POSITIVE_INFINITY))
      best = { impurity: score, listed: side.map(({ code }) => code) };
  }
  return best && levelSplit(column, best.impurity, best.listed);
}

function levelSplit(column: CategoricalColumn, score: number, listed: number[]): Split {
  const member = new Uint8Array(column.levels.length + 1);
  for (const code of listed) member[code] = 1;
  const values = column.levels.filter((_, code) => member[code] === 1);
  const condition: TraitCondition =
    values.length === 1
      ? { key: column.key, operator: 'equals', value: values[0] as string }
      : { key: column.key, operator: 'in', value: values };
  return { condition, impurity: score, matches: (row) => member[column.codes[row] as number] === 1 };
}
