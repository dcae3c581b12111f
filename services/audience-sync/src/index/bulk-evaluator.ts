import { compareCount, type EventCondition, type Rule, type TraitCondition } from '@prism/rules';
import { eventTraitKey } from '../domain/event-traits.js';
import { type CellTest, cellTestOf, matchesMissing } from './cell-test.js';
import type { ProfileIndex } from './profile-index.js';
import { type Bitmap, CellKind, RoaringBitmap32, type TraitColumn } from './trait-column.js';

/** A rule node's rows, with its children's (the preview shows every node's count). */
export interface NodeRows {
  rule: Rule;
  rows: Bitmap;
  children: NodeRows[];
}

/** Members of the audience with this key, as rows. */
export type AudienceRows = (audienceKey: string) => Bitmap | undefined;

/**
 * Evaluates a rule over every live row at once, column by column: each condition scans its
 * column into a bitmap, groups combine bitmaps. Agrees with `matchesRule` on every profile (the
 * property test holds both, and the row evaluator, to it).
 */
export function evaluateTree(rule: Rule, index: ProfileIndex, audienceRows: AudienceRows): NodeRows {
  if ('all' in rule) {
    const children = rule.all.map((child) => evaluateTree(child, index, audienceRows));
    const rows = index.live.clone();
    for (const child of children) rows.andInPlace(child.rows);
    return { rule, rows, children };
  }
  if ('any' in rule) {
    const children = rule.any.map((child) => evaluateTree(child, index, audienceRows));
    return { rule, rows: RoaringBitmap32.orMany(children.map((child) => child.rows)), children };
  }
  if ('not' in rule) {
    const child = evaluateTree(rule.not, index, audienceRows);
    return { rule, rows: RoaringBitmap32.andNot(index.live, child.rows), children: [child] };
  }
  return { rule, rows: evaluateCondition(rule, index, audienceRows), children: [] };
}

/** The live rows a rule holds. */
export const evaluateRule = (rule: Rule, index: ProfileIndex, audienceRows: AudienceRows): Bitmap =>
  evaluateTree(rule, index, audienceRows).rows;

function evaluateCondition(
  rule: Extract<Rule, { trait: unknown } | { event: unknown } | { audience: unknown }>,
  index: ProfileIndex,
  audienceRows: AudienceRows,
): Bitmap {
  if ('trait' in rule) return scanTrait(rule.trait, index);
  if ('event' in rule) return scanEvents(rule.event, index);
  const members = audienceRows(rule.audience.key);
  return members ? RoaringBitmap32.and(members, index.live) : new RoaringBitmap32();
}

/** Reused between scans: a million rows' matches without a new allocation per condition. */
let scratch = new Uint32Array(0);

function matchBuffer(rows: number): Uint32Array {
  if (scratch.length < rows) scratch = new Uint32Array(Math.max(rows, scratch.length * 2));
  return scratch;
}

function scanTrait(condition: TraitCondition, index: ProfileIndex): Bitmap {
  const column = index.column(condition.key);
  if (!column) return matchesMissing(condition) ? index.live.clone() : new RoaringBitmap32();
  const test = cellTestOf(condition, column);
  const rows = scanCells(column, test, index.rowCount);
  if (test.list.rows === 'all') rows.orInPlace(column.listRows);
  else if (test.list.rows === 'holding')
    for (const token of test.list.tokens) {
      const holding = column.items.get(token);
      if (holding) rows.orInPlace(holding);
    }
  rows.andInPlace(index.live);
  return rows;
}

/** Rows whose number, text, object or missing cell passes (lists are the bitmaps' part). */
function scanCells(column: TraitColumn, test: CellTest, rowCount: number): Bitmap {
  const { kinds, numbers, codes } = column;
  const { number, text, other, missing } = test;
  const scanned = Math.min(rowCount, kinds.length);
  const matches = matchBuffer(scanned);
  let found = 0;
  for (let row = 0; row < scanned; row += 1) {
    const kind = kinds[row];
    const pass =
      kind === CellKind.number
        ? number((numbers as Float64Array)[row] as number)
        : kind === CellKind.text
          ? text[(codes as Uint16Array | Uint32Array)[row] as number] === 1
          : kind === CellKind.missing
            ? missing
            : kind === CellKind.other && other;
    if (pass) matches[found++] = row;
  }
  const rows = new RoaringBitmap32(matches.subarray(0, found));
  // Rows past the column's end have never held the trait.
  if (missing && scanned < rowCount) rows.addRange(scanned, rowCount);
  return rows;
}

/** Event counts are computed traits of the profile service: a count, or 0 until it has one. */
function scanEvents(condition: EventCondition, index: ProfileIndex): Bitmap {
  const { countOperator, count } = condition;
  const zeroPasses = compareCount(0, countOperator, count);
  const column = index.column(eventTraitKey(condition));
  if (!column) return zeroPasses ? index.live.clone() : new RoaringBitmap32();
  const { kinds, numbers } = column;
  const scanned = Math.min(index.rowCount, kinds.length);
  const matches = matchBuffer(scanned);
  let found = 0;
  for (let row = 0; row < scanned; row += 1) {
    const counted = kinds[row] === CellKind.number ? ((numbers as Float64Array)[row] as number) : 0;
    if (compareCount(counted, countOperator, count)) matches[found++] = row;
  }
  const rows = new RoaringBitmap32(matches.subarray(0, found));
  if (zeroPasses && scanned < index.rowCount) rows.addRange(scanned, index.rowCount);
  rows.andInPlace(index.live);
  return rows;
}
