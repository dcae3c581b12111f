import { compareCount, type EventCondition, type Rule, type TraitCondition } from '@prism/rules';
import { cellTestOf, matchesMissing } from './cell-test.js';
import { scanColumn } from './column-scan.js';
import { countPathOf } from './count-path.js';
import { comparedTo } from './number-test.js';
import type { ProfileIndex } from './profile-index.js';
import { addBitmap, allBut, andInto, bitmapOf, everyRow, noRows, orInto, type RowBits } from './row-bits.js';
import type { Bitmap } from './trait-column.js';

/** A rule node's rows, with its children's (the preview shows every node's count). */
export interface NodeRows {
  rule: Rule;
  rows: Bitmap;
  children: NodeRows[];
}

/** Members of the audience with this key, as rows. */
export type AudienceRows = (audienceKey: string) => Bitmap | undefined;

/** A node's rows as bits over every row ever given: dead rows are dropped once, at the end. */
interface NodeBits {
  rule: Rule;
  rows: RowBits;
  children: NodeBits[];
}

/**
 * Evaluates a rule over every live row at once, column by column: each condition scans its
 * column into bits, groups combine them word by word (`all` = and, `any` = or, `not` = and-not),
 * and the result becomes a bitmap of live rows. Agrees with `matchesRule` on every profile (the
 * property test holds both, and the row evaluator, to it).
 */
export function evaluateTree(rule: Rule, index: ProfileIndex, audienceRows: AudienceRows): NodeRows {
  const withBitmaps = ({ rule, rows, children }: NodeBits): NodeRows => ({
    rule,
    rows: liveOf(rows, index),
    children: children.map(withBitmaps),
  });
  return withBitmaps(evaluateBits(rule, index, audienceRows));
}

/** The live rows a rule holds. */
export const evaluateRule = (rule: Rule, index: ProfileIndex, audienceRows: AudienceRows): Bitmap =>
  liveOf(evaluateBits(rule, index, audienceRows).rows, index);

function liveOf(rows: RowBits, index: ProfileIndex): Bitmap {
  const bitmap = bitmapOf(rows);
  bitmap.andInPlace(index.live);
  return bitmap;
}

/** Dead rows hold no trait (removal clears their cells), so they pass only where "missing" does. */
function evaluateBits(rule: Rule, index: ProfileIndex, audienceRows: AudienceRows): NodeBits {
  if ('all' in rule) {
    const children = rule.all.map((child) => evaluateBits(child, index, audienceRows));
    const rows = everyRow(index.rowCount);
    for (const child of children) andInto(rows, child.rows);
    return { rule, rows, children };
  }
  if ('any' in rule) {
    const children = rule.any.map((child) => evaluateBits(child, index, audienceRows));
    const rows = noRows(index.rowCount);
    for (const child of children) orInto(rows, child.rows);
    return { rule, rows, children };
  }
  if ('not' in rule) {
    const child = evaluateBits(rule.not, index, audienceRows);
    return { rule, rows: allBut(child.rows, index.rowCount), children: [child] };
  }
  return { rule, rows: conditionBits(rule, index, audienceRows), children: [] };
}

function conditionBits(
  rule: Extract<Rule, { trait: unknown } | { event: unknown } | { audience: unknown }>,
  index: ProfileIndex,
  audienceRows: AudienceRows,
): RowBits {
  if ('trait' in rule) return scanTrait(rule.trait, index);
  if ('event' in rule) return scanEvents(rule.event, index);
  const rows = noRows(index.rowCount);
  const members = audienceRows(rule.audience.key);
  if (members) addBitmap(rows, members);
  return rows;
}

function scanTrait(condition: TraitCondition, index: ProfileIndex): RowBits {
  const column = index.column(condition.key);
  if (!column) return matchesMissing(condition) ? everyRow(index.rowCount) : noRows(index.rowCount);
  const test = cellTestOf(condition, column);
  const { list } = test;
  const pass = { ...test, list: list.rows === 'all' };
  const rows = scanColumn(column, pass, index.rowCount);
  if (list.rows === 'holding')
    for (const token of list.tokens) {
      const holding = column.lists.items.get(token);
      if (holding) addBitmap(rows, holding);
    }
  return rows;
}

/** Event counts are computed traits of the profile service: a count, or 0 until it has one. */
function scanEvents(condition: EventCondition, index: ProfileIndex): RowBits {
  const { countOperator, count } = condition;
  const zeroPasses = compareCount(0, countOperator, count);
  const column = index.column(countPathOf(condition));
  if (!column) return zeroPasses ? everyRow(index.rowCount) : noRows(index.rowCount);
  // Anything but a number counts 0.
  const zero = { text: zeroPasses, list: zeroPasses, missing: zeroPasses, other: zeroPasses };
  const counted = { ...zero, number: comparedTo(countOperator, count) };
  return scanColumn(column, counted, index.rowCount);
}
