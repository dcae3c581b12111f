import roaring from 'roaring';
import { ListCells } from './list-cells.js';
import { TextDictionary, type TextValue } from './text-dictionary.js';

const { RoaringBitmap32 } = roaring;
export type Bitmap = InstanceType<typeof RoaringBitmap32>;
export { RoaringBitmap32 };

/** What a row holds at a trait path; the kind decides which array has its value. */
export const CellKind = { missing: 0, number: 1, text: 2, list: 3, other: 4 } as const;
export type CellKind = (typeof CellKind)[keyof typeof CellKind];

export type { TextValue };

const INITIAL_ROWS = 1_024;

/** Codes fit in 16 bits until a dictionary holds this many values. */
const WIDE_CODES = 65_536;

/**
 * One trait path over every row of a space: a kind byte per row, numbers in a Float64Array,
 * strings and booleans dictionary-encoded (16-bit codes, 32-bit once a column needs them), list
 * items as one bitmap of rows per item (`ListCells`). Arrays are allocated when a row first needs them and
 * grow by doubling.
 */
export class TraitColumn {
  kinds = new Uint8Array(INITIAL_ROWS);
  numbers: Float64Array | undefined;
  codes: Uint16Array | Uint32Array | undefined;
  readonly text = new TextDictionary();
  /** Rows holding a cell of each kind (missing is not counted): a scan skips absent kinds. */
  readonly cells = new Uint32Array(5);
  readonly lists = new ListCells();

  constructor(readonly path: string) {}

  /** Code → text value; code 0 is unused so a zero cell reads as "none". */
  get dictionary(): readonly TextValue[] {
    return this.text.values;
  }

  set(row: number, value: unknown): void {
    if (this.holds(row, value)) return;
    this.clear(row);
    this.fit(row);
    if (Array.isArray(value)) {
      this.lists.add(row, value);
      this.kinds[row] = CellKind.list;
    } else if (typeof value === 'number' && Number.isFinite(value)) {
      this.numbers ??= new Float64Array(this.kinds.length).fill(Number.NaN);
      this.numbers[row] = value;
      this.kinds[row] = CellKind.number;
    } else if (typeof value === 'string' || typeof value === 'boolean') this.setText(row, value);
    else this.kinds[row] = CellKind.other;
    this.count(this.kinds[row] as CellKind, 1);
  }

  clear(row: number): void {
    const kind = this.kindAt(row);
    if (kind === CellKind.missing) return;
    if (kind === CellKind.list) this.lists.remove(row);
    // A row without a number holds NaN, without text code 0: a scan of a column of one kind
    // then needs no kind byte (NaN fails every comparison; code 0 is decided as missing).
    if (kind === CellKind.number) (this.numbers as Float64Array)[row] = Number.NaN;
    if (kind === CellKind.text) (this.codes as Uint16Array | Uint32Array)[row] = 0;
    this.count(kind, -1);
    this.kinds[row] = CellKind.missing;
  }

  /** A row's number, string or boolean (what members are sorted by); lists and objects have none. */
  scalarAt(row: number): number | TextValue | undefined {
    switch (this.kindAt(row)) {
      case CellKind.number:
        return this.numbers?.[row];
      case CellKind.text:
        return this.text.values[this.codes?.[row] ?? 0];
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

  /** Whether the row already holds this value: a profile's change rewrites every trait it has. */
  private holds(row: number, value: unknown): boolean {
    switch (this.kindAt(row)) {
      case CellKind.number:
        return Object.is(value, this.numbers?.[row]);
      case CellKind.text:
        return value === this.text.values[this.codes?.[row] ?? 0];
      case CellKind.list:
        return Array.isArray(value) && this.lists.holds(row, value);
      default:
        return false;
    }
  }

  private setText(row: number, value: TextValue): void {
    if (this.text.wasteful(this.cells[CellKind.text] as number)) this.compactText();
    const code = this.text.encode(value);
    if (!this.codes || (code >= WIDE_CODES && this.codes instanceof Uint16Array)) {
      const codes = new Uint32Array(this.kinds.length);
      if (this.codes) codes.set(this.codes);
      this.codes = code >= WIDE_CODES || this.codes ? codes : new Uint16Array(this.kinds.length);
    }
    this.codes[row] = code;
    this.kinds[row] = CellKind.text;
    this.text.review((this.cells[CellKind.text] as number) + 1);
  }

  /** Drops the values no cell holds any more and renumbers the cells. */
  private compactText(): void {
    const codes = this.codes as Uint16Array | Uint32Array;
    const textRows = (function* (kinds: Uint8Array) {
      for (let row = 0; row < kinds.length; row += 1) if (kinds[row] === CellKind.text) yield row;
    })(this.kinds);
    const renumbered = this.text.compact([...textRows].map((row) => codes[row] as number));
    for (let row = 0; row < this.kinds.length; row += 1)
      if (this.kinds[row] === CellKind.text) codes[row] = renumbered[codes[row] as number] as number;
  }

  private count(kind: CellKind, by: 1 | -1): void {
    this.cells[kind] = (this.cells[kind] as number) + by;
  }

  private fit(row: number): void {
    if (row < this.kinds.length) return;
    let size = this.kinds.length;
    while (size <= row) size *= 2;
    this.kinds = grow(this.kinds, size);
    if (this.numbers) this.numbers = grow(this.numbers, size).fill(Number.NaN, this.numbers.length);
    if (this.codes) this.codes = grow(this.codes, size);
  }
}

function grow<T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (length: number) => T)(size);
  grown.set(array);
  return grown;
}
