import { numericValue } from '@prism/rules';
import roaring from 'roaring';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** What a row holds at a trait path; the kind decides which array has its value. */
export const CellKind = { missing: 0, number: 1, text: 2, list: 3, other: 4 } as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

/** A text cell: a string or a boolean (a Map tells `"true"` from `true`). */
export type TextValue = string | boolean;

/**
 * The key of a list item by the rules' equality: numbers and numeric strings by their number,
 * dates by their instant, other strings and booleans as themselves; other items match nothing.
 */
export function itemToken(item: unknown): string | undefined {
  if (typeof item === 'boolean') return `b:${item}`;
  const number = numericValue(item);
  if (number !== undefined) return `n:${number}`;
  if (typeof item !== 'string') return undefined;
  const instant = dateInstant(item);
  return instant === undefined ? `s:${item}` : `d:${instant}`;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO date's instant as the rules read it (no offset means UTC). */
function dateInstant(value: string): number | undefined {
  if (!ISO_DATE.test(value)) return undefined;
  const hasZone = value.length <= 10 || /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const time = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(time) ? undefined : time;
}

const INITIAL_ROWS = 1_024;

/**
 * One trait path over every row of a space: a kind byte per row, numbers in a Float64Array,
 * strings and booleans dictionary-encoded in a Uint32Array, list items as one bitmap of rows
 * per item. Arrays are allocated when a row first needs them and grow by doubling.
 */
export class TraitColumn {
  kinds = new Uint8Array(INITIAL_ROWS);
  numbers: Float64Array | undefined;
  codes: Uint32Array | undefined;
  /** Code → text value; code 0 is unused so a zero cell reads as "none". */
  readonly dictionary: TextValue[] = [false];
  private readonly codeOf = new Map<TextValue, number>();
  /** Item token → rows whose list holds it. */
  readonly items = new Map<string, Bitmap>();
  /** Rows holding a list. */
  readonly listRows = new RoaringBitmap32();

  constructor(readonly path: string) {}

  set(row: number, value: unknown): void {
    this.clear(row);
    this.fit(row);
    if (Array.isArray(value)) this.setList(row, value);
    else if (typeof value === 'number' && Number.isFinite(value)) {
      this.numbers ??= new Float64Array(this.kinds.length);
      this.numbers[row] = value;
      this.kinds[row] = CellKind.number;
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      this.codes ??= new Uint32Array(this.kinds.length);
      this.codes[row] = this.encode(value);
      this.kinds[row] = CellKind.text;
    } else this.kinds[row] = CellKind.other;
  }

  clear(row: number): void {
    if (row >= this.kinds.length) return;
    // Rows keep no copy of their list (memory): a list row leaves every item's bitmap.
    if (this.kinds[row] === CellKind.list) {
      for (const rows of this.items.values()) rows.remove(row);
      this.listRows.remove(row);
    }
    this.kinds[row] = CellKind.missing;
  }

  /** A row's number, string or boolean (what members are sorted by); lists and objects have none. */
  scalarAt(row: number): number | TextValue | undefined {
    switch (this.kindAt(row)) {
      case CellKind.number:
        return this.numbers?.[row];
      case CellKind.text:
        return this.dictionary[this.codes?.[row] ?? 0];
      default:
        return undefined;
    }
  }

  kindAt(row: number): CellKind {
    return (row < this.kinds.length ? this.kinds[row] : CellKind.missing) as CellKind;
  }

  /** Bytes held by the typed arrays (bitmaps and the dictionary are not counted). */
  get arrayBytes(): number {
    return this.kinds.byteLength + (this.numbers?.byteLength ?? 0) + (this.codes?.byteLength ?? 0);
  }

  private setList(row: number, list: unknown[]): void {
    this.kinds[row] = CellKind.list;
    this.listRows.add(row);
    for (const item of list) {
      const token = itemToken(item);
      if (!token) continue;
      let rows = this.items.get(token);
      if (!rows) {
        rows = new RoaringBitmap32();
        this.items.set(token, rows);
      }
      rows.add(row);
    }
  }

  private encode(value: TextValue): number {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.dictionary.length;
      this.dictionary.push(value);
      this.codeOf.set(value, code);
    }
    return code;
  }

  private fit(row: number): void {
    if (row < this.kinds.length) return;
    let size = this.kinds.length;
    while (size <= row) size *= 2;
    this.kinds = grow(this.kinds, size);
    if (this.numbers) this.numbers = grow(this.numbers, size);
    if (this.codes) this.codes = grow(this.codes, size);
  }
}

function grow<T extends Uint8Array | Uint32Array | Float64Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (length: number) => T)(size);
  grown.set(array);
  return grown;
}
