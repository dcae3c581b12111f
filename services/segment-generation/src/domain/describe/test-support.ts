import type { AudienceProfile, Feature, FeatureGroup } from '../model.js';

/**
 * Features of the planted traits for describing clusters in tests, as the feature engineering
 * would make them: numeric traits, list values as flags, strings as categoricals. Names are
 * left out as identity, not features.
 */
const GROUPS: Readonly<Record<string, FeatureGroup>> = {
  age: 'demographic',
  gender: 'demographic',
  incomeBand: 'demographic',
  occupation: 'demographic',
  country: 'geographic',
  region: 'geographic',
  city: 'geographic',
  climateZone: 'geographic',
  settlement: 'geographic',
  interests: 'psychographic',
  values: 'psychographic',
};

export function plantedFeatures(profiles: readonly AudienceProfile[]): Feature[] {
  const strings = new Map<string, Set<string>>();
  const lists = new Map<string, Set<string>>();
  const numbers = new Set<string>();
  for (const { traits } of profiles) {
    for (const [key, value] of Object.entries(traits)) {
      if (key === 'firstName' || key === 'lastName') continue;
      if (typeof value === 'number') numbers.add(key);
      else if (typeof value === 'string') add(strings, key, [value]);
      else if (Array.isArray(value)) add(lists, key, value.map(String));
    }
  }
  const groupOf = (key: string): FeatureGroup => GROUPS[key] ?? 'behavioural';
  return [
    ...[...numbers].map(
      (key): Feature => ({ kind: 'numeric', key, group: groupOf(key), center: 0, scale: 1 }),
    ),
    ...[...lists].flatMap(([key, values]) =>
      [...values].sort().map((value): Feature => ({ kind: 'flag', key, group: groupOf(key), value })),
    ),
    ...[...strings].map(
      ([key, values]): Feature => ({
        kind: 'categorical',
        key,
        group: groupOf(key),
        levels: [...values].sort(),
      }),
    ),
  ];
}

function add(map: Map<string, Set<string>>, key: string, values: readonly string[]): void {
  const set = map.get(key) ?? new Set<string>();
  for (const value of values) set.add(value);
  map.set(key, set);
}
