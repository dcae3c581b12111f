import { HeldColumns } from './held-columns.js';
import { type Bitmap, RoaringBitmap32, TraitColumn } from './trait-column.js';
import { forEachTraitPath } from './trait-paths.js';

/**
 * A space's profiles as columns: one row per profile, one `TraitColumn` per trait path, the
 * live rows as a bitmap, and each audience's members as a bitmap of rows. It is a cache of the
 * profile mirror (itself rebuilt from the profile service), so it can always be built again.
 * Rows are never reused: a removed profile's row stays dead, so a membership bitmap can never
 * confuse a new profile with an old one.
 */
export class ProfileIndex {
  private readonly rows = new Map<string, number>();
  private readonly ids: string[] = [];
  /** Per row, the columns it holds a cell in. */
  private readonly held: HeldColumns[] = [];
  private readonly noColumns = HeldColumns.empty();
  readonly live = new RoaringBitmap32();
  private readonly columns = new Map<string, TraitColumn>();
  private readonly memberships = new Map<string, Bitmap>();

  /** Live profiles. */
  get size(): number {
    return this.live.size;
  }

  /** Rows ever given (live or dead): the scan length of a column. */
  get rowCount(): number {
    return this.ids.length;
  }

  rowOf(profileId: string): number | undefined {
    return this.rows.get(profileId);
  }

  idOf(row: number): string | undefined {
    return this.ids[row];
  }

  column(path: string): TraitColumn | undefined {
    return this.columns.get(path);
  }

  /** Sets a profile's row to exactly these traits (custom and computed). */
  upsert(profileId: string, traits: Readonly<Record<string, unknown>>): number {
    let row = this.rows.get(profileId);
    if (row === undefined) {
      row = this.ids.length;
      this.ids.push(profileId);
      this.rows.set(profileId, row);
      this.held.push(this.noColumns);
    }
    this.live.add(row);
    const at = row;
    let held = this.noColumns;
    forEachTraitPath(traits, (path, value) => {
      held = held.with(path, this.columnAt);
      held.newest.set(at, value);
    });
    const before = this.held[row] as HeldColumns;
    if (before !== held) for (const column of before.columns) if (!held.has(column)) column.clear(row);
    this.held[row] = held;
    return row;
  }

  /** Takes a profile out of every column and membership; its row stays dead. */
  remove(profileId: string): void {
    const row = this.rows.get(profileId);
    if (row === undefined) return;
    for (const column of (this.held[row] as HeldColumns).columns) column.clear(row);
    this.held[row] = this.noColumns;
    for (const members of this.memberships.values()) members.remove(row);
    this.live.remove(row);
  }

  /** An audience's members as rows (empty for an audience without members). */
  members(audienceId: string): Bitmap {
    let members = this.memberships.get(audienceId);
    if (!members) {
      members = new RoaringBitmap32();
      this.memberships.set(audienceId, members);
    }
    return members;
  }

  setMember(audienceId: string, profileId: string, member: boolean): void {
    const row = this.rows.get(profileId);
    if (row === undefined) return;
    if (member) this.members(audienceId).add(row);
    else this.memberships.get(audienceId)?.remove(row);
  }

  dropAudience(audienceId: string): void {
    this.memberships.delete(audienceId);
  }

  /** The rows of these profiles (unknown ids are skipped). */
  rowsOf(profileIds: Iterable<string>): Bitmap {
    const rows = new RoaringBitmap32();
    for (const id of profileIds) {
      const row = this.rows.get(id);
      if (row !== undefined) rows.add(row);
    }
    return rows;
  }

  /** Profile ids of rows, in row order. */
  *idsOf(rows: Iterable<number>): Generator<string> {
    for (const row of rows) {
      const id = this.ids[row];
      if (id !== undefined) yield id;
    }
  }

  private readonly columnAt = (path: string): TraitColumn => {
    let column = this.columns.get(path);
    if (!column) {
      column = new TraitColumn(path);
      this.columns.set(path, column);
    }
    return column;
  };
}
