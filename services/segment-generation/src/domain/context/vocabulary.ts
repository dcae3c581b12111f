import { isIdentifyingKey, leafOf } from '@prism/profile-features';
import type { AudienceProfile } from '../model.js';
import { countryCodeOf } from './countries.js';

/** How a numeric trait spreads over the profiles: behaviour words become quartile thresholds. */
export interface NumericSpread {
  min: number;
  q25: number;
  median: number;
  q75: number;
  max: number;
}

/**
 * What a targeting context can refer to in THIS data: the words of the text are matched
 * against it, so a place or interest no profile has is never turned into a filter.
 */
export interface ContextVocabulary {
  /** Distinct values of each string and list trait, by path; identity traits are left out. */
  values: ReadonlyMap<string, ReadonlySet<string>>;
  /**
   * The single-valued traits holding countries, each value with the ISO code it names: traits
   * named `country` (`address.country`), and any other whose values are nearly all countries.
   */
  countries: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** The list traits among `values` (matched with `contains`; the others with `equals`). */
  lists: ReadonlySet<string>;
  numbers: ReadonlyMap<string, NumericSpread>;
  /** Generations ("millennials") are dated from this year. */
  year: number;
}

/** Well-known trait keys of a Prism profile that the interpreter has dedicated words for. */
export const TRAIT = { age: 'age', gender: 'gender', country: 'country' } as const;

/**
 * A trait not named `country` holds countries when at least this share of its values name one
 * by name or upper-case code (lower-case "de", "es" are as likely languages).
 */
const COUNTRY_VALUE_SHARE = 0.8;

/** Reads the traits by path (see `traits/profile-view.ts`); names, contact details and ids are never targeting words. */
export function contextVocabulary(
  profiles: readonly AudienceProfile[],
  options: { now?: Date } = {},
): ContextVocabulary {
  const values = new Map<string, Set<string>>();
  const lists = new Set<string>();
  const numbers = new Map<string, number[]>();
  for (const { traits } of profiles) {
    for (const [key, value] of Object.entries(traits)) {
      if (isIdentifyingKey(key)) continue;
      if (typeof value === 'number' && Number.isFinite(value)) pushTo(numbers, key, value);
      else if (typeof value === 'string') addTo(values, key, value);
      else if (Array.isArray(value)) {
        lists.add(key);
        for (const item of value) if (typeof item === 'string') addTo(values, key, item);
      }
    }
  }
  return {
    values,
    countries: countryTraits(values, lists),
    lists,
    numbers: new Map([...numbers].map(([key, all]) => [key, spreadOf(all)])),
    year: (options.now ?? new Date()).getUTCFullYear(),
  };
}

function countryTraits(
  values: ReadonlyMap<string, ReadonlySet<string>>,
  lists: ReadonlySet<string>,
): Map<string, Map<string, string>> {
  const countries = new Map<string, Map<string, string>>();
  for (const [key, held] of values) {
    if (lists.has(key)) continue;
    const codes = new Map<string, string>();
    let unambiguous = 0;
    for (const value of held) {
      const code = countryCodeOf(value);
      if (code === undefined) continue;
      codes.set(value, code);
      if (value.trim() === code || value.trim().length > 2) unambiguous++;
    }
    const named = leafOf(key).toLowerCase() === TRAIT.country;
    const mostly = held.size >= 2 && unambiguous >= COUNTRY_VALUE_SHARE * held.size;
    if (codes.size > 0 && (named || mostly)) countries.set(key, codes);
  }
  return countries;
}

function addTo(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key) ?? new Set<string>();
  set.add(value);
  map.set(key, set);
}

function pushTo(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

function spreadOf(values: number[]): NumericSpread {
  const sorted = Float64Array.from(values).sort();
  return {
    min: quantile(sorted, 0),
    q25: quantile(sorted, 0.25),
    median: quantile(sorted, 0.5),
    q75: quantile(sorted, 0.75),
    max: quantile(sorted, 1),
  };
}

/** The value at rank ⌊q·(n−1)⌋: always a value of the data, so thresholds read naturally. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}
