import type { FeatureMatrix } from '../model.js';
import type { Columns, MixedRows } from './rows.js';

/**
 * Emphasis per column: a weight multiplies that column's share of every cost (1 neutral,
 * 0 ignored). `numeric` covers the numeric block (numbers and flags), `categorical` the codes.
 */
export interface ColumnWeights {
  numeric: Float64Array;
  categorical: Float64Array;
}

/** The model's columns with their weights, and the spreads and shares of the rows it is fitted on. */
export interface Layout extends Columns {
  numericCount: number;
  flagCount: number;
  depth: number;
  levelCount: number;
  /** weight / (2 · variance) per numeric value: its cost per squared unit (a Gaussian's). */
  precision: Float64Array;
  flagWeights: Float64Array;
  /** The weight of each categorical, and of each level (its categorical's). */
  categoricalWeights: Float64Array;
  levelWeights: Float64Array;
  /**
   * Share of each flag among all rows and of each level among the rows holding its trait,
   * Laplace-smoothed so none is 0 or 1: the prior a cluster's shares shrink towards.
   */
  flagPrior: Float64Array;
  levelPrior: Float64Array;
}

export function uniformWeights(matrix: FeatureMatrix): ColumnWeights {
  return {
    numeric: new Float64Array(matrix.numericFeatures.length).fill(1),
    categorical: new Float64Array(matrix.categoricalFeatures.length).fill(1),
  };
}

export function checkWeights(matrix: FeatureMatrix, weights: ColumnWeights): void {
  const { numericFeatures, categoricalFeatures } = matrix;
  if (
    weights.numeric.length !== numericFeatures.length ||
    weights.categorical.length !== categoricalFeatures.length
  ) {
    throw new RangeError(
      `weights cover ${weights.numeric.length}+${weights.categorical.length} columns, the matrix has ${numericFeatures.length}+${categoricalFeatures.length}`,
    );
  }
  for (const weight of [...weights.numeric, ...weights.categorical]) {
    if (!Number.isFinite(weight) || weight < 0)
      throw new RangeError(`weights must be finite and ≥ 0, got ${weight}`);
  }
}

/** The layout of rows laid out by `columns`, measured on `data` (the rows the model is fitted on). */
export function layoutOf(columns: Columns, data: MixedRows, weights: ColumnWeights): Layout {
  const { numericColumns, flagColumns, levelOffsets } = columns;
  const depth = levelOffsets.length - 1;
  const levelCount = levelOffsets[depth] as number;
  const levelWeights = new Float64Array(levelCount);
  for (let j = 0; j < depth; j++) {
    levelWeights.fill(weights.categorical[j] as number, levelOffsets[j], levelOffsets[j + 1]);
  }
  const variances = valueVariances(data);
  return {
    ...columns,
    numericCount: numericColumns.length,
    flagCount: flagColumns.length,
    depth,
    levelCount,
    precision: variances.map((variance, i) => {
      const precision = (weights.numeric[numericColumns[i] as number] as number) / (2 * variance);
      // A column that never varies (or whose spread underflows) separates nobody: it weighs nothing.
      return Number.isFinite(precision) ? precision : 0;
    }),
    flagWeights: Float64Array.from(flagColumns, (column) => weights.numeric[column] as number),
    categoricalWeights: Float64Array.from(weights.categorical),
    levelWeights,
    flagPrior: flagPriorOf(data, flagColumns.length),
    levelPrior: levelPriorOf(data, levelOffsets),
  };
}

function valueVariances(data: MixedRows): Float64Array {
  const { numericCount, rows, values } = data;
  const sums = new Float64Array(numericCount);
  const squares = new Float64Array(numericCount);
  for (let at = 0; at < rows * numericCount; at++) {
    const i = at % numericCount;
    const value = values[at] as number;
    sums[i] = (sums[i] as number) + value;
    squares[i] = (squares[i] as number) + value * value;
  }
  return squares.map((square, i) =>
    rows === 0 ? 0 : Math.max(0, square / rows - ((sums[i] as number) / rows) ** 2),
  );
}

function flagPriorOf(data: MixedRows, flagCount: number): Float64Array {
  const counts = new Float64Array(flagCount);
  for (const flag of data.heldFlags) counts[flag] = (counts[flag] as number) + 1;
  return counts.map((count) => (count + 1) / (data.rows + 2));
}

function levelPriorOf(data: MixedRows, levelOffsets: Int32Array): Float64Array {
  const depth = levelOffsets.length - 1;
  const counts = new Float64Array(levelOffsets[depth] as number);
  const holders = new Float64Array(depth);
  for (let at = 0; at < data.levels.length; at++) {
    const level = data.levels[at] as number;
    if (level < 0) continue;
    counts[level] = (counts[level] as number) + 1;
    holders[at % depth] = (holders[at % depth] as number) + 1;
  }
  for (let j = 0; j < depth; j++) {
    const from = levelOffsets[j] as number;
    const to = levelOffsets[j + 1] as number;
    for (let level = from; level < to; level++) {
      counts[level] = ((counts[level] as number) + 1) / ((holders[j] as number) + (to - from));
    }
  }
  return counts;
}
