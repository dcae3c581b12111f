import { type NumberTest, passesNoNumber } from './number-test.js';
import { addRange, noRows, type RowBits } from './row-bits.js';
import { CellKind, type TraitColumn } from './trait-column.js';

/** Which cells of a column pass, by kind (a trait's list items are its item bitmaps' part). */
export interface CellPass {
  number: NumberTest;
  /** Per text code (1 passes; code 0, no text, as missing), or for every text cell. */
  text: Uint8Array | boolean;
  /** Whether every list cell passes. */
  list: boolean;
  missing: boolean;
  other: boolean;
}

/** Rows past the column's end have never held the trait: they are missing. */
export function scanColumn(column: TraitColumn, pass: CellPass, rowCount: number): RowBits {
  const rows = noRows(rowCount);
  const scanned = Math.min(rowCount, column.kinds.length);
  if (mayPass(column, pass)) scanRows(column, pass, scanned, rows);
  if (pass.missing) addRange(rows, scanned, rowCount);
  return rows;
}

/** Whether any cell can pass: a column of lists only (interests) needs no scan for `contains`. */
function mayPass({ cells }: TraitColumn, pass: CellPass): boolean {
  const holds = (kind: CellKind) => cells[kind] !== 0;
  return (
    pass.missing ||
    (holds(CellKind.number) && !passesNoNumber(pass.number)) ||
    (holds(CellKind.text) && pass.text !== false) ||
    (holds(CellKind.list) && pass.list) ||
    (holds(CellKind.other) && pass.other)
  );
}

/**
 * The inner loop of every count, in the shape the column allows: a column of text alone (or
 * with lists passing as missing does) reads its codes, one of numbers alone its numbers (NaN,
 * where a row has none, passes as missing when `inside` is false), any other every kind byte.
 * No call per row, no branch on a result: 32 rows' results make a word in a register.
 */
function scanRows(column: TraitColumn, pass: CellPass, scanned: number, rows: RowBits): void {
  const { cells, numbers, codes } = column;
  const holdsOnly = (kinds: number[]) => cells.every((count, kind) => count === 0 || kinds.includes(kind));
  // A list row reads code 0, as missing: right when lists pass as missing does.
  const textual = pass.list === pass.missing ? [CellKind.text, CellKind.list] : [CellKind.text];
  if (codes && typeof pass.text === 'object' && holdsOnly(textual))
    scanCodes(codes, pass.text, scanned, rows);
  else if (
    numbers &&
    holdsOnly([CellKind.number]) &&
    !pass.number.accepted &&
    pass.missing !== pass.number.inside
  )
    scanNumbers(numbers, pass.number, scanned, rows);
  else scanCells(column, pass, scanned, rows);
}

function scanCodes(codes: Uint16Array | Uint32Array, byCode: Uint8Array, scanned: number, rows: RowBits) {
  for (let first = 0; first < scanned; first += 32) {
    const end = Math.min(first + 32, scanned);
    let word = 0;
    for (let row = first; row < end; row += 1)
      word |= (byCode[codes[row] as number] as number) << (row - first);
    rows[first >>> 5] = word;
  }
}

function scanNumbers(
  numbers: Float64Array,
  { low, high, inside }: NumberTest,
  scanned: number,
  rows: RowBits,
) {
  const flip = inside ? 0 : 1;
  for (let first = 0; first < scanned; first += 32) {
    const end = Math.min(first + 32, scanned);
    let word = 0;
    for (let row = first; row < end; row += 1) {
      const value = numbers[row] as number;
      word |= ((+(value >= low) & +(value <= high)) ^ flip) << (row - first);
    }
    rows[first >>> 5] = word;
  }
}

function scanCells(column: TraitColumn, pass: CellPass, scanned: number, rows: RowBits): void {
  const { kinds } = column;
  const numbers = column.numbers as Float64Array;
  const codes = column.codes as Uint16Array | Uint32Array;
  const { low, high, inside, accepted } = pass.number;
  const flip = inside ? 0 : 1;
  const byCode = typeof pass.text === 'object' ? pass.text : undefined;
  const byKind = Uint8Array.of(+pass.missing, 0, +(pass.text === true), +pass.list, +pass.other);
  for (let first = 0; first < scanned; first += 32) {
    const end = Math.min(first + 32, scanned);
    let word = 0;
    for (let row = first; row < end; row += 1) {
      const kind = kinds[row] as number;
      let hit: number;
      if (kind === CellKind.number) {
        const value = numbers[row] as number;
        const ranged = (+(value >= low) & +(value <= high)) ^ flip;
        hit = accepted === undefined || accepted.has(value) ? ranged : 0;
      } else if (kind === CellKind.text && byCode) hit = byCode[codes[row] as number] as number;
      else hit = byKind[kind] as number;
      word |= hit << (row - first);
    }
    rows[first >>> 5] = word;
  }
}
