/**
 * How raw trait values read as each kind of feature. Real traits are dirty (ages arriving as
 * "42", a list trait holding a lone string), so every reader accepts what it sensibly can and
 * answers `undefined` (missing) for the rest; the same value always reads the same way.
 */

/** The feature kind a trait becomes, before it is split into columns. */
export type TraitKind = 'numeric' | 'list' | 'categorical';

const NUMERIC_STRING = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

/** A finite number, or a string that spells one (`Number('')` is 0, so the pattern comes first). */
export function readNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC_STRING.test(value)) return Number(value);
  return undefined;
}

/** A non-empty trimmed string; numbers and booleans read as their text, as a form would store them. */
export function readLevel(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const level = value.trim();
    return level === '' ? undefined : level;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

const NO_ITEMS: readonly unknown[] = [];

/** The items of a list trait, to read with `readLevel`; a lone value counts as a list of one. */
export function listItems(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? NO_ITEMS : [value];
}

/** Tally of how a trait's present values look, to settle its kind by majority. */
export interface KindTally {
  numeric: number;
  text: number;
  list: number;
}

export function emptyTally(): KindTally {
  return { numeric: 0, text: 0, list: 0 };
}

export function tallyValue(tally: KindTally, value: unknown): void {
  if (Array.isArray(value)) tally.list++;
  else if (readNumber(value) !== undefined) tally.numeric++;
  else if (readLevel(value) !== undefined) tally.text++;
}

/**
 * The kind most of a trait's values have; ties go list, then numeric, then categorical, so a
 * trait's kind never depends on profile order. Undefined when no value is usable.
 */
export function kindOf(tally: KindTally): TraitKind | undefined {
  const { numeric, text, list } = tally;
  if (numeric + text + list === 0) return undefined;
  if (list >= numeric && list >= text) return 'list';
  return numeric >= text ? 'numeric' : 'categorical';
}
