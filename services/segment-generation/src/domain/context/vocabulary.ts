import type { AudienceProfile } from '../model.js';

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
  /** Distinct values of each string and list trait, by key; identity traits are left out. */
  values: ReadonlyMap<string, ReadonlySet<string>>;
  /** The list traits among `values` (matched with `contains`; the others with `equals`). */
  lists: ReadonlySet<string>;
  numbers: ReadonlyMap<string, NumericSpread>;
  /** Generations ("millennials") are dated from this year. */
  year: number;
}

/** Well-known trait keys of a Prism profile that the interpreter has dedicated words for. */
export const TRAIT = { age: 'age', gender: 'gender', country: 'country' } as const;

/** Names, contact details and ids (`firstName`, `e_mail`, `user_id`, `externalId`): never targeting words. */
const IDENTITY_KEY = /name$|e-?mail|phone|mobile|address|^id$|[_\s-]id$/i;
const CAMEL_ID = /[a-z0-9](Id|ID)$/;

export function contextVocabulary(
  profiles: readonly AudienceProfile[],
  options: { now?: Date } = {},
): ContextVocabulary {
  const values = new Map<string, Set<string>>();
  const lists = new Set<string>();
  const numbers = new Map<string, number[]>();
  for (const { traits } of profiles) {
    for (const [key, value] of Object.entries(traits)) {
      if (IDENTITY_KEY.test(key) || CAMEL_ID.test(key)) continue;
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
    lists,
    numbers: new Map([...numbers].map(([key, all]) => [key, spreadOf(all)])),
    year: (options.now ?? new Date()).getUTCFullYear(),
  };
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
