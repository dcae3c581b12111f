import { orderable } from '@prism/rules';
import roaring from 'roaring';
import type { TextValue } from './text-dictionary.js';

const { RoaringBitmap32 } = roaring;
type Bitmap = InstanceType<typeof RoaringBitmap32>;

/**
 * The key of a list item by the rules' equality: numbers and numeric strings by their number,
 * dates by their instant, other strings and booleans as themselves; other items match nothing.
 */
export function itemToken(item: unknown): string | undefined {
  if (typeof item === 'boolean') return `b:${item}`;
  const ordered = orderable(item);
  if (ordered) return `${ordered.kind === 'number' ? 'n' : 'd'}:${ordered.at}`;
  return typeof item === 'string' ? `s:${item}` : undefined;
}

/** A row's count of item tokens is kept up to this; a row at it may hold more. */
const COUNTED_TOKENS = 255;

/** Reused by `holds`: the distinct item bitmaps of one list. */
const seen = new Set<Bitmap>();

/**
 * A column's list cells: one roaring bitmap of rows per item token, and per row how many
 * tokens its list holds. Rows keep no copy of their list (memory); the count
 * lets a row leave its items' bitmaps without trying every one, and lets an unchanged list be
 * recognised (a profile's change rewrites all its traits, mostly to what they were).
 */
export class ListCells {
  /** Item token → rows whose list holds it. */
  readonly items = new Map<string, Bitmap>();
  /** Per row, its list's distinct tokens (up to COUNTED_TOKENS). */
  private tokens = new Uint8Array(0);
  /** List item (as it came) → its token's rows, or null for an item matching nothing. */
  private readonly itemRows = new Map<TextValue | number, Bitmap | null>();

  add(row: number, list: readonly unknown[]): void {
    if (row >= this.tokens.length) {
      const tokens = new Uint8Array(Math.max(1_024, 2 * row));
      tokens.set(this.tokens);
      this.tokens = tokens;
    }
    let tokens = 0;
    for (const item of list) if (this.rowsOfItem(item)?.tryAdd(row)) tokens += 1;
    this.tokens[row] = Math.min(tokens, COUNTED_TOKENS);
  }

  remove(row: number): void {
    let left = this.tokens[row] as number;
    for (const rows of this.items.values()) {
      if (left === 0) break;
      if (rows.remove(row) && left < COUNTED_TOKENS) left -= 1;
    }
  }

  /** Whether the row's list holds exactly the tokens of `list`. */
  holds(row: number, list: readonly unknown[]): boolean {
    const tokens = this.tokens[row] as number;
    if (tokens >= COUNTED_TOKENS || list.length < tokens) return false;
    seen.clear();
    for (const item of list) {
      const rows = this.rowsOfItem(item);
      if (!rows) continue;
      if (!rows.has(row)) return false;
      seen.add(rows);
    }
    return seen.size === tokens;
  }

  /** The rows of an item's token, looked up by the item first: no regexes for one seen before. */
  private rowsOfItem(item: unknown): Bitmap | undefined {
    const scalar = typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean';
    const known = scalar ? this.itemRows.get(item) : undefined;
    if (known !== undefined) return known ?? undefined;
    const token = itemToken(item);
    let rows = token === undefined ? undefined : this.items.get(token);
    if (token !== undefined && !rows) {
      rows = new RoaringBitmap32();
      this.items.set(token, rows);
    }
    if (scalar) this.itemRows.set(item, rows ?? null);
    return rows;
  }
}
