import type { TraitCondition } from '@prism/rules';
import type { Column } from './columns.js';
import { bestSplit, type Counts, impurity, type NodeView, type Split } from './splits.js';
import { filled } from './typed-arrays.js';

/** A node of a one-vs-rest tree: its rows' counts and, unless it is a leaf, how it splits them. */
export interface TreeNode extends Counts {
  split?: Pick<Split, 'condition' | 'matches'> & { matched: TreeNode; unmatched: TreeNode };
}

export interface TreeOptions {
  maxDepth: number;
  /** Fewest rows a leaf may hold. */
  minLeaf: number;
}

/** A condition on a path from the root: the condition held (`matched` branch) or did not. */
export interface Literal {
  condition: TraitCondition;
  holds: boolean;
  /** Whether a fitted row matches the condition. */
  matches: (row: number) => boolean;
}

/** A leaf stands for the cluster when most of its rows are in it. */
const isPositive = (node: Counts): boolean => 2 * node.positives > node.rows;

/**
 * CART with Gini impurity, separating the rows where `positive` is 1 from the rest over
 * `columns`. Ties go to the earlier column, so the same input always grows the same tree.
 */
export function growTree(columns: readonly Column[], positive: Uint8Array, options: TreeOptions): TreeNode {
  const inNode = new Uint8Array(positive.length);
  const grow = (rows: Int32Array, depth: number): TreeNode => {
    const counts = countsOf(rows, positive);
    const pure = counts.positives === 0 || counts.positives === counts.rows;
    if (pure || depth >= options.maxDepth || counts.rows < 2 * options.minLeaf) return counts;
    const split = bestOf(columns, { inNode, rows, positive, counts, minLeaf: options.minLeaf });
    // A split that separates nothing would only add a condition.
    if (split === undefined || split.impurity >= impurity(counts) - 1e-9) return counts;
    const [matched, unmatched] = partition(rows, split.matches);
    const { condition, matches } = split;
    return collapsed({
      ...counts,
      split: { condition, matches, matched: grow(matched, depth + 1), unmatched: grow(unmatched, depth + 1) },
    });
  };
  return grow(
    filled(new Int32Array(positive.length), (row) => row),
    0,
  );
}

function countsOf(rows: Int32Array, positive: Uint8Array): Counts {
  let positives = 0;
  for (const row of rows) positives += positive[row] as number;
  return { rows: rows.length, positives };
}

function bestOf(columns: readonly Column[], node: NodeView): Split | undefined {
  for (const row of node.rows) node.inNode[row] = 1;
  let best: Split | undefined;
  for (const column of columns) {
    const split = bestSplit(column, node);
    if (split && (best === undefined || split.impurity < best.impurity)) best = split;
  }
  for (const row of node.rows) node.inNode[row] = 0;
  return best;
}

function partition(rows: Int32Array, matches: (row: number) => boolean): [Int32Array, Int32Array] {
  const matched: number[] = [];
  const unmatched: number[] = [];
  for (const row of rows) (matches(row) ? matched : unmatched).push(row);
  return [Int32Array.from(matched), Int32Array.from(unmatched)];
}

/** Two leaves that decide alike are one leaf. */
function collapsed(node: TreeNode): TreeNode {
  const { split, ...counts } = node;
  if (split === undefined || split.matched.split || split.unmatched.split) return node;
  return isPositive(split.matched) === isPositive(split.unmatched) ? counts : node;
}

/** The conditions leading to each leaf that stands for the cluster, root first. */
export function positivePaths(node: TreeNode, path: Literal[] = []): Literal[][] {
  if (node.split === undefined) return isPositive(node) ? [path] : [];
  const { condition, matches, matched, unmatched } = node.split;
  return [
    ...positivePaths(matched, [...path, { condition, matches, holds: true }]),
    ...positivePaths(unmatched, [...path, { condition, matches, holds: false }]),
  ];
}
