import { matchesCondition, numericValue, valueAtPath } from '@prism/rules';
import type { FeatureMatrix, FlagFeature } from '../model.js';
import { filled } from './typed-arrays.js';

type Traits = Readonly<Record<string, unknown>>;

/**
 * A feature as the tree sees it on the fitted rows. Values are read from the traits with the
 * rule semantics, not from the matrix: the matrix reads a missing number as its center and
 * reads dirty values its own way, so a split learnt on it would not be the condition the
 * rule evaluates.
 */
export type Column = NumericColumn | FlagColumn | CategoricalColumn;

export interface NumericColumn {
  kind: 'numeric';
  key: string;
  /** NaN where the trait is missing or not a number: every ordering is false there. */
  values: Float64Array;
  /** The rows with a value, by ascending value. */
  order: Int32Array;
}

export interface FlagColumn {
  kind: 'flag';
  key: string;
  value: string;
  /** 1 where `key contains value`. */
  held: Uint8Array;
}

export interface CategoricalColumn {
  kind: 'categorical';
  key: string;
  levels: readonly string[];
  /** The level the trait equals, or `levels.length` ("neither") when it is missing or equals no level. */
  codes: Int32Array;
}

/** The matrix's features over the fitted rows' traits, in the matrix's column order. */
export function columnsOf(matrix: FeatureMatrix, traits: readonly Traits[]): Column[] {
  const flags = flagColumnsOf(
    matrix.numericFeatures.filter((feature) => feature.kind === 'flag'),
    traits,
  );
  const columns: Column[] = matrix.numericFeatures.map((feature) =>
    feature.kind === 'numeric' ? numericColumn(feature.key, traits) : (flags.get(feature) as FlagColumn),
  );
  for (const { key, levels } of matrix.categoricalFeatures)
    columns.push(categoricalColumn(key, levels, traits));
  return columns;
}

function numericColumn(key: string, traits: readonly Traits[]): NumericColumn {
  const values = filled(
    new Float64Array(traits.length),
    (row) => numericValue(valueAtPath(traits[row] as Traits, key)) ?? Number.NaN,
  );
  const present = traits.map((_, row) => row).filter((row) => !Number.isNaN(values[row]));
  const order = Int32Array.from(present).sort(
    (a, b) => (values[a] as number) - (values[b] as number) || a - b,
  );
  return { kind: 'numeric', key, values, order };
}

/** Flags by feature; a list trait is read once per row for all of its flags. */
function flagColumnsOf(
  features: readonly FlagFeature[],
  traits: readonly Traits[],
): Map<FlagFeature, FlagColumn> {
  const columns = new Map<FlagFeature, FlagColumn>();
  for (const key of new Set(features.map((feature) => feature.key))) {
    const ofKey = features.filter((feature) => feature.key === key);
    const held = flagsHeld(
      key,
      ofKey.map((feature) => feature.value),
      traits,
    );
    for (const [at, feature] of ofKey.entries())
      columns.set(feature, { kind: 'flag', key, value: feature.value, held: held[at] as Uint8Array });
  }
  return columns;
}

/** Per value, whether each row's `key contains value`. */
function flagsHeld(key: string, values: readonly string[], traits: readonly Traits[]): Uint8Array[] {
  const held = values.map(() => new Uint8Array(traits.length));
  const matching = (subject: Traits, operator: 'equals' | 'contains', path: string) =>
    values.flatMap((value, at) => (matchesCondition(subject, { key: path, operator, value }) ? [at] : []));
  // `contains` on a list is "some item equals value": settle each distinct item once.
  const valuesEqualTo = memoized((item: unknown) => matching({ item }, 'equals', 'item'));
  traits.forEach((row, index) => {
    const actual = valueAtPath(row, key);
    const holding = Array.isArray(actual) ? actual.flatMap(valuesEqualTo) : matching(row, 'contains', key);
    for (const at of holding) (held[at] as Uint8Array)[index] = 1;
  });
  return held;
}

function categoricalColumn(
  key: string,
  levels: readonly string[],
  traits: readonly Traits[],
): CategoricalColumn {
  const levelOf = memoized((actual: unknown) => {
    const code = levels.findIndex((level) =>
      matchesCondition({ actual }, { key: 'actual', operator: 'equals', value: level }),
    );
    return code === -1 ? levels.length : code;
  });
  const codes = filled(new Int32Array(traits.length), (row) =>
    levelOf(valueAtPath(traits[row] as Traits, key)),
  );
  return { kind: 'categorical', key, levels, codes };
}

/** `compute` settled once per distinct input: a trait repeats a few values over many rows. */
function memoized<Input, Output>(compute: (input: Input) => Output): (input: Input) => Output {
  const outputs = new Map<Input, Output>();
  return (input) => {
    if (!outputs.has(input)) outputs.set(input, compute(input));
    return outputs.get(input) as Output;
  };
}
