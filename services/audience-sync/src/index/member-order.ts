import { orderable } from '@prism/rules';
import { FirstInOrder } from './first-in-order.js';
import type { ProfileIndex } from './profile-index.js';
import { type Bitmap, CellKind, type TextValue, type TraitColumn } from './trait-column.js';

/** A value members are sorted by: what a trait column holds for a row. */
export type SortValue = number | TextValue;

/** Members sorted by the value at a trait path. */
export interface MemberOrder {
  path: string;
  descending: boolean;
}

/** A member's place in an order: its value there (none: it has no value) and its profile id. */
export interface MemberPlace {
  value: SortValue | undefined;
  profileId: string;
}

/**
 * Where a value sorts: numbers (and numeric strings) first, then dates (ISO strings) by their
 * instant, as the rules' orderings read them, then other text and booleans (as `true`/`false`)
 * in code-unit order — the same on every server and locale, so a page token means the same
 * thing everywhere (upper case sorts before lower case). `none`: no number, text or boolean
 * (missing, a list or an object).
 */
const Group = { number: 0, date: 1, text: 2, none: 3 } as const;

/** A member as the order compares it; one probe is reused per row and copied only when kept. */
interface Placed {
  group: number;
  at: number;
  text: string;
  profileId: string;
  value: SortValue | undefined;
}

function place(value: SortValue | undefined, profileId: string): Placed {
  if (value === undefined) return { group: Group.none, at: 0, text: '', profileId, value };
  const ordered = orderable(value);
  if (!ordered) return { group: Group.text, at: 0, text: String(value), profileId, value };
  return {
    group: ordered.kind === 'number' ? Group.number : Group.date,
    at: ordered.at,
    text: '',
    profileId,
    value,
  };
}

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of members: by value (reversed when descending), members without a value last in
 * both directions, ties by profile id (ascending in both directions).
 */
function placeOrder(descending: boolean) {
  const direction = descending ? -1 : 1;
  return (a: Placed, b: Placed): number => {
    if (a.group === Group.none || b.group === Group.none)
      return a.group - b.group || byCodeUnits(a.profileId, b.profileId);
    const byValue =
      a.group - b.group || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || byCodeUnits(a.text, b.text);
    return direction * byValue || byCodeUnits(a.profileId, b.profileId);
  };
}

/**
 * Each text value's place, by its code in the column's dictionary. A dictionary array only has
 * values appended (a column that renumbers its codes starts a new array), so the places read
 * once are kept with the array and only values appended since are read on the next request.
 */
interface TextPlaces {
  values: readonly SortValue[];
  groups: Uint8Array;
  at: Float64Array;
  texts: string[];
}
const textPlaces = new WeakMap<readonly SortValue[], TextPlaces>();

function textPlacesOf(column: TraitColumn): TextPlaces {
  const { dictionary } = column;
  const known = textPlaces.get(dictionary);
  if (known && known.texts.length === dictionary.length) return known;
  const places: TextPlaces = {
    values: dictionary,
    groups: new Uint8Array(dictionary.length),
    at: new Float64Array(dictionary.length),
    texts: known?.texts ?? [],
  };
  if (known) {
    places.groups.set(known.groups);
    places.at.set(known.at);
  }
  for (let code = places.texts.length; code < dictionary.length; code += 1) {
    const { group, at, text } = place(dictionary[code], '');
    places.groups[code] = group;
    places.at[code] = at;
    places.texts.push(text);
  }
  textPlaces.set(dictionary, places);
  return places;
}

/** Sets the probe to a row's place in the column (none when the row has no number or text). */
function readRow(column: TraitColumn | undefined, texts: TextPlaces | undefined, row: number, probe: Placed) {
  const kind = column?.kindAt(row);
  if (kind === CellKind.number && column?.numbers) {
    probe.group = Group.number;
    probe.at = column.numbers[row] as number;
    probe.text = '';
    probe.value = probe.at;
  } else if (kind === CellKind.text && column?.codes && texts) {
    const code = column.codes[row] as number;
    probe.group = texts.groups[code] as number;
    probe.at = texts.at[code] as number;
    probe.text = texts.texts[code] as string;
    probe.value = texts.values[code];
  } else {
    probe.group = Group.none;
    probe.value = undefined;
  }
}

/**
 * The `size` members of `rows` that come right after `after` in `order` (from the first when
 * there is no `after`), and whether more follow. Values are read from the index's column in
 * one pass over the rows, keeping only the first `size + 1` (no sort of all the members), so a
 * page costs about the same wherever it is.
 */
export function membersInOrder(
  index: ProfileIndex,
  rows: Bitmap,
  order: MemberOrder,
  after: MemberPlace | undefined,
  size: number,
): { page: MemberPlace[]; more: boolean } {
  const compare = placeOrder(order.descending);
  const column = index.column(order.path);
  const texts = column?.codes && textPlacesOf(column);
  const start = after && place(after.value, after.profileId);
  const first = new FirstInOrder<Placed>(size + 1, compare);
  const probe = place(undefined, '');
  for (const row of rows.toUint32Array()) {
    const profileId = index.idOf(row);
    if (profileId === undefined) continue;
    probe.profileId = profileId;
    readRow(column, texts, row, probe);
    if ((!start || compare(probe, start) > 0) && first.admits(probe)) first.offer({ ...probe });
  }
  const kept = first.sorted();
  return {
    page: kept.slice(0, size).map(({ value, profileId }) => ({ value, profileId })),
    more: kept.length > size,
  };
}
