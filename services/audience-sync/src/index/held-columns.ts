import type { TraitColumn } from './trait-column.js';

/**
 * The columns a row holds a cell in, shared by every row holding the same ones (profiles of a
 * space mostly have the same traits): a row's change clears only the columns it held and no
 * longer does, without a loop over every column of the space, at one reference per row.
 * Sets are reached from the empty one a column at a time, as a profile's paths are visited.
 */
export class HeldColumns {
  static readonly none = new HeldColumns([]);
  private readonly next = new Map<TraitColumn, HeldColumns>();
  private members: Set<TraitColumn> | undefined;

  private constructor(readonly columns: readonly TraitColumn[]) {}

  with(column: TraitColumn): HeldColumns {
    let next = this.next.get(column);
    if (!next) {
      next = new HeldColumns([...this.columns, column]);
      this.next.set(column, next);
    }
    return next;
  }

  /** Whether `column` is one of these. */
  has(column: TraitColumn): boolean {
    this.members ??= new Set(this.columns);
    return this.members.has(column);
  }
}
