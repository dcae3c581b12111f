import { viewProfiles } from '@prism/profile-features';
import { matchesRule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLANTED_NOW, plantedAudience } from '../../testing/planted.js';
import { COUNTRIES, countryCodeOf } from './countries.js';
import { interpretContext } from './interpret.js';
import { trait } from './test-support.js';
import { contextVocabulary } from './vocabulary.js';

const sent = viewProfiles(
  plantedAudience({ seed: 7, size: 3000, traits: 'segment-spec' }).profiles,
  PLANTED_NOW,
);
const vocabulary = contextVocabulary(sent.profiles, { now: PLANTED_NOW });
const read = (text: string) => interpretContext(text, vocabulary);
const matched = (text: string) => {
  const { filter } = read(text);
  return sent.profiles.filter(({ traits }) => filter !== undefined && matchesRule(filter, { traits }));
};

describe("reading places in the traits that hold them, as Segment's SDKs send them", () => {
  it('reads a country named in the context as address.country, and narrows to its people', () => {
    const reading = read('only people in Spain');
    expect(reading.filter).toEqual(trait('address.country', 'equals', 'ES'));
    expect(reading.understood.map(({ meaning }) => meaning)).toEqual(['address.country is Spain (ES)']);
    expect(reading.unrecognised).toEqual([]);
    const spaniards = matched('only people in Spain');
    expect(spaniards.length).toBeGreaterThan(30);
    expect(spaniards.length).toBeLessThan(sent.profiles.length / 4);
    expect(spaniards.every(({ traits }) => traits['address.country'] === 'ES')).toBe(true);
  });

  it('reads areas, states and cities in the nested address', () => {
    expect(read('Iberia').filter).toEqual(trait('address.country', 'in', ['ES', 'PT']));
    expect(read('Andalusia').filter).toEqual(trait('address.state', 'equals', 'Andalusia'));
    expect(read('Berlin').understood.map(({ meaning }) => meaning)).toEqual([
      'address.city or address.state is Berlin',
    ]);
    expect(read('not in Germany').filter).toEqual({ not: trait('address.country', 'equals', 'DE') });
  });

  it('reads employers as values of company traits, not places', () => {
    expect(read('software').filter).toEqual(trait('company.industry', 'equals', 'software'));
  });
});

describe('reading countries in a trait of any name', () => {
  const profilesWith = (traits: (i: number) => Record<string, unknown>) =>
    Array.from({ length: 60 }, (_, i) => ({ profileId: `p${i}`, traits: traits(i) }));

  it('finds countries written as names in a trait not called country', () => {
    const markets = ['Spain', 'Germany', 'France'];
    const vocabulary = contextVocabulary(profilesWith((i) => ({ market: markets[i % 3] })));
    expect(interpretContext('Spain', vocabulary).filter).toEqual(trait('market', 'equals', 'Spain'));
    expect(interpretContext('DACH', vocabulary).filter).toEqual(trait('market', 'equals', 'Germany'));
  });

  it('does not take lower-case language codes for countries', () => {
    const languages = ['de', 'es', 'fr'];
    const vocabulary = contextVocabulary(profilesWith((i) => ({ language: languages[i % 3] })));
    const reading = interpretContext('Spain', vocabulary);
    expect(reading.filter).toBeUndefined();
    expect(reading.unrecognised).toEqual(['Spain']);
  });
});

describe('finding a country named in the context, wherever the data keeps it', () => {
  /** Where a sender keeps the country, and how it writes it there. */
  const holder = fc.constantFrom(
    { path: ['country'], written: 'code' },
    { path: ['country'], written: 'lower-case code' },
    { path: ['address', 'country'], written: 'code' },
    { path: ['address', 'country'], written: 'name' },
    { path: ['shipping', 'country'], written: 'lower-case code' },
    { path: ['market'], written: 'name' },
    { path: ['market'], written: 'code' },
  );
  // Names of one word: "Caribbean Netherlands" with only Grenada in the data reads as the area
  // "Caribbean" (multi-word names of countries absent from the data are not held back).
  const oneWordNames = COUNTRIES.filter((country) => /^\p{L}+$/u.test(country.names[0] ?? ''));
  const codes = fc.uniqueArray(fc.constantFrom(...oneWordNames), {
    minLength: 2,
    maxLength: 5,
    selector: (country) => country.code,
  });
  const scenario = fc
    .record({ holder, countries: codes, named: fc.constantFrom('name', 'code') })
    .chain((drawn) =>
      fc.record({
        ...Object.fromEntries(Object.entries(drawn).map(([key, value]) => [key, fc.constant(value)])),
        target: fc.nat({ max: drawn.countries.length - 1 }),
        homes: fc.array(fc.option(fc.nat({ max: drawn.countries.length - 1 }), { nil: undefined }), {
          minLength: 10,
          maxLength: 40,
        }),
      }),
    ) as fc.Arbitrary<{
    holder: { path: string[]; written: string };
    countries: (typeof COUNTRIES)[number][];
    named: 'name' | 'code';
    target: number;
    homes: (number | undefined)[];
  }>;

  it('narrows to exactly the profiles living in the country, by name or code, when the data holds it', () => {
    fc.assert(
      fc.property(scenario, ({ holder, countries, named, target, homes }) => {
        const writtenAs = (country: (typeof COUNTRIES)[number]) =>
          holder.written === 'name'
            ? (country.names[0] as string)
            : holder.written === 'code'
              ? country.code
              : country.code.toLowerCase();
        const profiles = homes.map((home, i) => {
          const country = home === undefined ? undefined : countries[home];
          const value = country && writtenAs(country);
          const traits =
            value === undefined
              ? {}
              : holder.path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
          return { profileId: `p${i}`, traits: traits as Record<string, unknown> };
        });
        const view = viewProfiles(profiles, PLANTED_NOW).profiles;
        const wanted = countries[target] as (typeof COUNTRIES)[number];
        const present = homes.some((home) => home === target);
        const distinct = new Set(homes.filter((home) => home !== undefined)).size;
        const text = `only people in ${named === 'name' ? wanted.names[0] : wanted.code}`;
        const { filter } = interpretContext(text, contextVocabulary(view));
        const heldBy = (traits: Record<string, unknown>) =>
          Object.values(traits).some(
            (value) => typeof value === 'string' && countryCodeOf(value) === wanted.code,
          );
        // A trait not called `country` is only known to hold countries once it holds two of them.
        const recognisable = present && (holder.path.at(-1) === 'country' || distinct >= 2);
        if (recognisable) expect(filter).toBeDefined();
        if (filter === undefined) return;
        for (const { traits } of view) expect(matchesRule(filter, { traits })).toBe(heldBy(traits));
      }),
      { numRuns: 500 },
    );
  });
});
