import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from '../model.js';
import { type Column, columnsOf } from './columns.js';
import { bestSplit, roundThreshold } from './splits.js';

/** One column over rows whose traits are `values` under `key`, `undefined` leaving the trait out. */
function columnOf(kind: 'numeric' | 'categorical', values: unknown[]): Column {
  const group = 'demographic' as const;
  const matrix: FeatureMatrix = {
    rows: values.length,
    numericFeatures: kind === 'numeric' ? [{ kind, key: 'x', group, center: 0, scale: 1 }] : [],
    numeric: new Float64Array(),
    categoricalFeatures:
      kind === 'categorical' ? [{ kind, key: 'x', group, levels: ['BE', 'DE', 'FR', 'GB', 'NL'] }] : [],
    categorical: new Int32Array(),
  };
  const traits = values.map((x) => (x === undefined ? {} : { x }));
  return columnsOf(matrix, traits)[0] as Column;
}

function split(column: Column, positives: number[], minLeaf = 1) {
  const positive = Uint8Array.from(positives);
  const rows = Int32Array.from(positives, (_, row) => row);
  const counts = { rows: rows.length, positives: positives.filter(Boolean).length };
  const found = bestSplit(column, {
    inNode: new Uint8Array(rows.length).fill(1),
    rows,
    positive,
    counts,
    minLeaf,
  });
  return found && { condition: found.condition, matched: [...rows].filter(found.matches) };
}

describe('a numeric split', () => {
  const ages = [20, 22, 24, 30, 32, 34, undefined, 'unknown'];

  it('leaves missing and unreadable values unmatched, on the side they fit', () => {
    expect(split(columnOf('numeric', ages), [0, 0, 0, 1, 1, 1, 0, 0])).toEqual({
      condition: { key: 'x', operator: 'greater_or_equal', value: 30 },
      matched: [3, 4, 5],
    });
    expect(split(columnOf('numeric', ages), [0, 0, 0, 1, 1, 1, 1, 1])).toEqual({
      condition: { key: 'x', operator: 'less_than', value: 30 },
      matched: [0, 1, 2],
    });
  });

  it('matches the richer side when missing values do not decide', () => {
    expect(split(columnOf('numeric', [20, 22, 30, 32]), [1, 1, 0, 0])?.condition.operator).toBe('less_than');
    expect(split(columnOf('numeric', ['20', 22, 30, 32]), [0, 0, 1, 1])?.condition.operator).toBe(
      'greater_or_equal',
    );
  });

  it('keeps both sides at least a leaf large', () => {
    expect(split(columnOf('numeric', [1, 2, 3, 4]), [1, 0, 0, 0], 2)?.matched).toEqual([0, 1]);
    expect(split(columnOf('numeric', [1, 2, 3]), [1, 0, 0], 2)).toBeUndefined();
  });
});

describe('a categorical split', () => {
  it('lists the shorter side, never the missing values', () => {
    const countries = ['DE', 'NL', 'DE', 'FR', 'GB', 'FR', 'BE', undefined];
    expect(split(columnOf('categorical', countries), [1, 1, 1, 0, 0, 0, 0, 1])).toEqual({
      condition: { key: 'x', operator: 'in', value: ['DE', 'NL'] },
      matched: [0, 1, 2],
    });
    expect(split(columnOf('categorical', countries), [1, 1, 1, 0, 1, 0, 1, 1])).toEqual({
      condition: { key: 'x', operator: 'equals', value: 'FR' },
      matched: [3, 5],
    });
  });
});

describe('roundThreshold', () => {
  it.each([
    [24, 25, 25],
    [83.27, 91.5, 90],
    [0.25, 0.3, 0.3],
    [2.9, 31, 30],
    [-5, -3, -3],
    [1499, 1500, 1500],
    [1, 1.0000001, 1.0000001],
  ])('is the roundest number above %d and at most %d', (low, high, threshold) => {
    expect(roundThreshold(low, high)).toBe(threshold);
  });
});
