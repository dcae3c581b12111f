import type { FeatureMatrix } from '../model.js';

/**
 * A matrix's rows as the model reads them: numeric features densely, flags as the short list a
 * profile holds, and each categorical as an index into the levels of all categoricals laid end
 * to end, so one lookup finds a level's cost.
 */
export interface MixedRows {
  rows: number;
  /** `numericCount` values per row: the numeric features (not flags), in column order. */
  values: Float64Array;
  numericCount: number;
  /** Row r holds the flags `heldFlags[heldStart[r] .. heldStart[r + 1])`, as ascending flag indices. */
  heldStart: Int32Array;
  heldFlags: Int32Array;
  /** `depth` entries per row: the level's index among all levels, −1 when missing. */
  levels: Int32Array;
  depth: number;
}

/** Which matrix columns the model's numeric values and flags come from, and where each categorical's levels start. */
export interface Columns {
  numericColumns: Int32Array;
  flagColumns: Int32Array;
  /** Categorical j's levels are `levelOffsets[j] .. levelOffsets[j + 1]`. */
  levelOffsets: Int32Array;
}

export function columnsOf(matrix: FeatureMatrix): Columns {
  const columnsOfKind = (kind: 'numeric' | 'flag') =>
    Int32Array.from(
      matrix.numericFeatures.flatMap((feature, column) => (feature.kind === kind ? [column] : [])),
    );
  const levelOffsets = new Int32Array(matrix.categoricalFeatures.length + 1);
  matrix.categoricalFeatures.forEach((feature, j) => {
    levelOffsets[j + 1] = (levelOffsets[j] as number) + feature.levels.length;
  });
  return { numericColumns: columnsOfKind('numeric'), flagColumns: columnsOfKind('flag'), levelOffsets };
}

export function mixedRowsOf(matrix: FeatureMatrix, columns: Columns): MixedRows {
  const width = matrix.numericFeatures.length;
  const depth = matrix.categoricalFeatures.length;
  const { numericColumns, flagColumns, levelOffsets } = columns;
  const values = new Float64Array(matrix.rows * numericColumns.length);
  const heldStart = new Int32Array(matrix.rows + 1);
  const held: number[] = [];
  const levels = new Int32Array(matrix.rows * depth);
  for (let row = 0; row < matrix.rows; row++) {
    numericColumns.forEach((column, i) => {
      values[row * numericColumns.length + i] = matrix.numeric[row * width + column] as number;
    });
    flagColumns.forEach((column, flag) => {
      if (matrix.numeric[row * width + column] !== 0) held.push(flag);
    });
    heldStart[row + 1] = held.length;
    for (let j = 0; j < depth; j++) {
      const code = matrix.categorical[row * depth + j] as number;
      levels[row * depth + j] = code < 0 ? -1 : (levelOffsets[j] as number) + code;
    }
  }
  return {
    rows: matrix.rows,
    values,
    numericCount: numericColumns.length,
    heldStart,
    heldFlags: Int32Array.from(held),
    levels,
    depth,
  };
}

/** The given rows copied into compact arrays, so working on a sample reads memory in order. */
export function subset(data: MixedRows, rows: Int32Array): MixedRows {
  const { numericCount, depth } = data;
  const values = new Float64Array(rows.length * numericCount);
  const levels = new Int32Array(rows.length * depth);
  const heldStart = new Int32Array(rows.length + 1);
  const held: number[] = [];
  rows.forEach((row, i) => {
    values.set(data.values.subarray(row * numericCount, (row + 1) * numericCount), i * numericCount);
    levels.set(data.levels.subarray(row * depth, (row + 1) * depth), i * depth);
    for (let at = data.heldStart[row] as number; at < (data.heldStart[row + 1] as number); at++) {
      held.push(data.heldFlags[at] as number);
    }
    heldStart[i + 1] = held.length;
  });
  return {
    rows: rows.length,
    values,
    numericCount,
    heldStart,
    heldFlags: Int32Array.from(held),
    levels,
    depth,
  };
}
