import type { TraitColumn } from './trait-column.js';

/**
 * The columns a row holds a cell in, shared by every row holding the same ones (profiles of a
 * space mostly have the same traits): a row's change clears only the columns it held and no
 * longer does, without a loop over every column of the space, at one reference per row. Sets
 * are reached from an index's empty one a path at a time as a profile's paths are visited, and
 * the step gives the path's column (no lookup of the column by path for a known shape).
 */
export class HeldColumns {
  private readonly next = new Map<string, HeldColumns>();
  private members: Set<TraitColumn> | undefined;

  private constructor(readonly columns: readonly TraitColumn[]) {}

  /** The empty set of one index (its sets hold that index's columns). */
  static empty(): HeldColumns {
    return new HeldColumns([]);
  }

  /** These and the column at `path`, which `columnAt` finds the first time. */
  with(path: string, columnAt: (path: string) => TraitColumn): HeldColumns {
    let next = this.next.get(path);
    if (!next) {
      next = new HeldColumns([...this.columns, columnAt(path)]);
      this.next.set(path, next);
    }
    return next;
  }

  /** The column the last step added. */
  get newest(): TraitColumn {
    return this.columns[this.columns.length - 1] as TraitColumn;
  }

  /** Whether `column` is one of these. */
  has(column: TraitColumn): boolean {
    this.members ??= new Set(this.columns);
    return this.members.has(column);
  }
}
