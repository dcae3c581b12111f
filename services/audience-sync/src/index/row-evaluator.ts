import { compareCount, type EventCondition, type Rule, type TraitCondition } from '@prism/rules';
import { cellTestOf, matchesMissing } from './cell-test.js';
import { countPathOf } from './count-path.js';
import { passesNumber } from './number-test.js';
import type { ProfileIndex } from './profile-index.js';
import { CellKind } from './trait-column.js';

/** Whether the profile of the row being evaluated is a member of the audience with this key. */
export type RowMembership = (audienceKey: string) => boolean;

/**
 * Evaluates a rule for one row, reading its cells: the incremental evaluator of a single
 * profile's change. It compiles conditions exactly as the bulk evaluator does, so the two
 * agree by construction as well as by test.
 */
export function matchesRow(rule: Rule, index: ProfileIndex, row: number, isMember: RowMembership): boolean {
  // Loops, not every/some: no closure per group on a path taken for every change.
  if ('all' in rule) {
    for (const child of rule.all) if (!matchesRow(child, index, row, isMember)) return false;
    return true;
  }
  if ('any' in rule) {
    for (const child of rule.any) if (matchesRow(child, index, row, isMember)) return true;
    return false;
  }
  if ('not' in rule) return !matchesRow(rule.not, index, row, isMember);
  if ('trait' in rule) return traitAtRow(rule.trait, index, row);
  if ('event' in rule)
    return compareCount(eventCount(rule.event, index, row), rule.event.countOperator, rule.event.count);
  return isMember(rule.audience.key);
}

function traitAtRow(condition: TraitCondition, index: ProfileIndex, row: number): boolean {
  const column = index.column(condition.key);
  if (!column) return matchesMissing(condition);
  const test = cellTestOf(condition, column);
  switch (column.kindAt(row)) {
    case CellKind.number:
      return passesNumber(test.number, (column.numbers as Float64Array)[row] as number);
    case CellKind.text:
      return test.text[(column.codes as Uint16Array | Uint32Array)[row] as number] === 1;
    case CellKind.list: {
      const { list } = test;
      if (list.rows !== 'holding') return list.rows === 'all';
      for (const token of list.tokens) if (column.lists.items.get(token)?.has(row)) return true;
      return false;
    }
    case CellKind.other:
      return test.other;
    default:
      return test.missing;
  }
}

/** A row's count for an event condition (its computed trait), 0 until it has one. */
export function eventCount(condition: EventCondition, index: ProfileIndex, row: number): number {
  const column = index.column(countPathOf(condition));
  return column?.kindAt(row) === CellKind.number ? ((column.numbers as Float64Array)[row] as number) : 0;
}
