import { numericValue, orderable, type Rule, type TraitCondition } from '@prism/rules';

/**
 * A number the generator reads off a date trait: whole calendar units from the date to today
 * (UTC), so Segment's `birthday` gives an age in years and `createdAt` a tenure in days. Any
 * ordering of the number is a condition on the date itself, so rules stay on the data's traits.
 */
export interface DerivedTrait {
  /** The key the generator reads it under. */
  key: string;
  /** The date trait it is read from. */
  source: string;
  unit: 'year' | 'day';
}

export const DERIVED_TRAITS: readonly DerivedTrait[] = [
  { key: 'age', source: 'birthday', unit: 'year' },
  { key: 'tenure_days', source: 'createdAt', unit: 'day' },
];

const DAY_MS = 86_400_000;

/**
 * The instant a date must be before to be at least `units` back from `today`: midnight UTC after
 * the day that many units earlier (29 February falls back to the 28th in other years).
 */
export function cutoff(unit: DerivedTrait['unit'], today: Date, units: number): number {
  const [year, month, date] = [today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()];
  if (unit === 'day') return Date.UTC(year, month, date) + DAY_MS - units * DAY_MS;
  return utcMidnight(year - units, month, Math.min(date, daysIn(year - units, month))) + DAY_MS;
}

/** `setUTCFullYear`, unlike `Date.UTC`, takes years 0–99 as they are. */
function utcMidnight(year: number, month: number, date: number): number {
  const day = new Date(0);
  day.setUTCFullYear(year, month, date);
  return day.getTime();
}

function daysIn(year: number, month: number): number {
  return new Date(utcMidnight(year, month + 1, 0)).getUTCDate();
}

/**
 * The whole units from the date the rules read in `value` to `today`: the largest n with the
 * date before `cutoff(n)`, so `≥ n` holds exactly when the date is before it. Undefined when
 * the value is no date (numbers included: the orderings never compare them with dates).
 */
export function unitsSince(trait: DerivedTrait, value: unknown, today: Date): number | undefined {
  const read = orderable(value);
  if (read?.kind !== 'date') return undefined;
  const { at } = read;
  let units =
    trait.unit === 'day'
      ? Math.floor((today.getTime() - at) / DAY_MS)
      : today.getUTCFullYear() - new Date(at).getUTCFullYear();
  while (at >= cutoff(trait.unit, today, units)) units--;
  while (at < cutoff(trait.unit, today, units + 1)) units++;
  return units;
}

/**
 * An ordering of the derived number as a condition on its date: the number is whole, so
 * `> 30.5` is `≥ 31` and `≤ 30` is `< 31`; `≥ n` is "before cutoff(n)" and `< n` its converse.
 * Other operators are left as they are (they do not occur on numbers the generator reads).
 */
export function onSource(trait: DerivedTrait, condition: TraitCondition, today: Date): Rule {
  const threshold = numericValue(condition.value);
  const least = threshold === undefined ? undefined : leastWholeAbove(condition.operator, threshold);
  if (least === undefined) return { trait: condition };
  const date = new Date(cutoff(trait.unit, today, least.units)).toISOString().slice(0, 10);
  const operator = least.atLeast ? 'less_than' : 'greater_or_equal';
  return { trait: { key: trait.source, operator, value: date } };
}

/** `n ≥ units` (atLeast) or `n < units` for a whole n, equivalent to the ordering. */
function leastWholeAbove(operator: TraitCondition['operator'], threshold: number) {
  switch (operator) {
    case 'greater_or_equal':
      return { atLeast: true, units: Math.ceil(threshold) };
    case 'greater_than':
      return { atLeast: true, units: Math.floor(threshold) + 1 };
    case 'less_than':
      return { atLeast: false, units: Math.ceil(threshold) };
    case 'less_or_equal':
      return { atLeast: false, units: Math.floor(threshold) + 1 };
    default:
      return undefined;
  }
}
