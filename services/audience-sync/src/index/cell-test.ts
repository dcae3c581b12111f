import { type Json, matchesRule, type Rule, type TraitCondition } from '@prism/rules';
import { itemToken } from './list-cells.js';
import { type NumberTest, numberTest } from './number-test.js';
import type { TraitColumn } from './trait-column.js';

/** Which list rows a condition holds: none, every list, or lists holding one of the items. */
export type ListTest = { rows: 'none' } | { rows: 'all' } | { rows: 'holding'; tokens: string[] };

/**
 * A trait condition compiled against one column: its result for each kind of cell. Text cells
 * are decided once per dictionary entry by `matchesRule` itself, so every subtlety of the rules
 * (numeric strings, dates, case-insensitive `contains`) holds by construction; numbers, the
 * one kind with too many distinct values for that, follow the rules' number semantics here.
 */
export interface CellTest {
  number: NumberTest;
  /** Result per text code; `prepare()` extends it to the column's current dictionary. */
  text: Uint8Array;
  list: ListTest;
  /** An object value (`address` when the rule asks for it). */
  other: boolean;
  missing: boolean;
  /** The dictionary's numbering `text` was decided for. */
  generation: number;
  /** Decides the dictionary entries added since the last call (all of them after a renumbering). */
  prepare(): void;
}

/** A condition as one trait `v` of a one-trait subject, to decide a single value with `matchesRule`. */
const probes = new WeakMap<TraitCondition, Rule>();

function probeOf(condition: TraitCondition): Rule {
  let probe = probes.get(condition);
  if (!probe) {
    probe = { trait: { ...condition, key: 'v' } };
    probes.set(condition, probe);
  }
  return probe;
}

const decide = (condition: TraitCondition, value: unknown): boolean =>
  matchesRule(probeOf(condition), { traits: value === undefined ? {} : { v: value } });

const tests = new WeakMap<TraitColumn, WeakMap<TraitCondition, CellTest>>();

/** The compiled test of a condition on a column, cached while both live. */
export function cellTestOf(condition: TraitCondition, column: TraitColumn): CellTest {
  let byCondition = tests.get(column);
  if (!byCondition) {
    byCondition = new WeakMap();
    tests.set(column, byCondition);
  }
  let test = byCondition.get(condition);
  if (!test) {
    test = compile(condition, column);
    byCondition.set(condition, test);
  }
  test.prepare();
  return test;
}

/** Whether a profile without the trait matches (also for a path no profile has). */
export const matchesMissing = (condition: TraitCondition): boolean => decide(condition, undefined);

function compile(condition: TraitCondition, column: TraitColumn): CellTest {
  /** Dictionary entries decided so far (`text` may be longer: it grows by doubling). */
  let decidedUpTo = 0;
  const test: CellTest = {
    number: numberTest(condition),
    text: new Uint8Array(0),
    list: listTest(condition),
    other: decide(condition, {}),
    missing: decide(condition, undefined),
    generation: column.text.generation,
    prepare() {
      // Renumbered codes (a compacted dictionary): decide every value again.
      if (test.generation !== column.text.generation) {
        test.generation = column.text.generation;
        decidedUpTo = 0;
      }
      const size = column.dictionary.length;
      if (decidedUpTo >= size) return;
      if (test.text.length < size) {
        const grown = new Uint8Array(Math.max(size, test.text.length * 2));
        grown.set(test.text.subarray(0, decidedUpTo));
        test.text = grown;
      }
      // Code 0 is no text: it reads as missing (a scan of a text column reads the codes alone).
      for (let code = decidedUpTo; code < size; code += 1)
        test.text[code] = (code === 0 ? test.missing : decide(condition, column.dictionary[code])) ? 1 : 0;
      decidedUpTo = size;
    },
  };
  return test;
}

/** The rules on a list: `contains` and `in` hold when an item equals a value; `not_equals` and `exists` always. */
function listTest({ operator, value }: TraitCondition): ListTest {
  if (operator === 'exists') return value === false ? { rows: 'none' } : { rows: 'all' };
  if (operator === 'not_equals') return { rows: 'all' };
  if (operator !== 'contains' && operator !== 'in') return { rows: 'none' };
  const values: Json[] = operator === 'in' && Array.isArray(value) ? value : [value ?? null];
  return { rows: 'holding', tokens: values.flatMap((item) => itemToken(item) ?? []) };
}
