import { matchesRule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TRAIT_MAPPING,
  type PersonaDemographics,
  personaRule,
  type TraitMapping,
} from './persona-rule.js';

const GENDERS = { GENDER_FEMALE: 'female', GENDER_MALE: 'male', GENDER_NON_BINARY: 'non-binary' } as const;
const PLACES = ['France', 'paris', 'New York', 'GERMANY', 'lyon'];
const INCOME_BANDS = ['50-75k EUR', 'under 25k'];
const OCCUPATIONS = ['Engineer', 'nurse', 'Product Manager'];

/** The spellings profiles write a word in. */
const spelled = (word: string) =>
  fc.constantFrom(
    word.toLowerCase(),
    word.toUpperCase(),
    word.charAt(0).toUpperCase() + word.slice(1).toLowerCase(),
  );
/** A word as a persona or profile may write it: one of `words` in some spelling, or another word. */
const wordFrom = (words: readonly string[]) =>
  fc.oneof(fc.constantFrom(...words).chain(spelled), fc.constantFrom('other', 'Unknown'));

const demographicsArb: fc.Arbitrary<PersonaDemographics> = fc.record({
  ageRanges: fc.array(
    fc
      .integer({ min: 18, max: 60 })
      .chain((min) => fc.integer({ min, max: min + 15 }).map((max) => ({ min, max }))),
    { maxLength: 2 },
  ),
  genders: fc.uniqueArray(
    fc
      .constantFrom(...Object.keys(GENDERS))
      .chain((name) => fc.constantFrom(name, name.replace('GENDER_', ''))),
    { maxLength: 2 },
  ),
  locations: fc.uniqueArray(
    fc.constantFrom(...PLACES).chain((place) => fc.constantFrom(place, place.toLowerCase())),
    {
      maxLength: 3,
    },
  ),
  incomeBand: fc.oneof(fc.constant(''), fc.constantFrom(...INCOME_BANDS)),
  occupation: fc.oneof(fc.constant(''), fc.constantFrom(...OCCUPATIONS)),
});

interface Person {
  age?: number | string;
  gender?: string;
  country?: string;
  city?: string;
  income?: string;
  occupation?: string;
}

const people: fc.Arbitrary<Person> = fc.record(
  {
    age: fc.oneof(fc.integer({ min: 10, max: 80 }), fc.integer({ min: 10, max: 80 }).map(String)),
    gender: wordFrom(Object.values(GENDERS)),
    country: wordFrom(PLACES),
    city: wordFrom(PLACES),
    income: wordFrom(INCOME_BANDS),
    occupation: wordFrom(OCCUPATIONS),
  },
  { requiredKeys: [] },
);

/** The traits of a person where the mapping puts them (nested paths as objects). */
function traitsOf(person: Person, mapping: TraitMapping): Record<string, unknown> {
  const traits: Record<string, unknown> = {};
  const put = (path: string, value: unknown) => {
    if (value === undefined) return;
    const segments = path.split('.');
    let at = traits;
    for (const segment of segments.slice(0, -1)) {
      at[segment] ??= {};
      at = at[segment] as Record<string, unknown>;
    }
    at[segments[segments.length - 1] as string] = value;
  };
  put(mapping.age, person.age);
  put(mapping.gender, person.gender);
  put(mapping.country, person.country);
  put(mapping.city, person.city);
  put(mapping.incomeBand, person.income);
  put(mapping.occupation, person.occupation);
  return traits;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

/** The reference: each stated demographic holds for the person, in any spelling. */
function fits(person: Person, demographics: PersonaDemographics): boolean {
  const age = person.age === undefined ? undefined : Number(person.age);
  const genderWords = demographics.genders.map(
    (name) => GENDERS[`GENDER_${name.replace('GENDER_', '')}` as keyof typeof GENDERS],
  );
  return (
    (demographics.ageRanges.length === 0 ||
      demographics.ageRanges.some(({ min, max }) => age !== undefined && age >= min && age <= max)) &&
    (genderWords.length === 0 || genderWords.some((word) => same(person.gender, word))) &&
    (demographics.locations.length === 0 ||
      demographics.locations.some((place) => same(person.country, place) || same(person.city, place))) &&
    (demographics.incomeBand === '' || same(person.income, demographics.incomeBand)) &&
    (demographics.occupation === '' || same(person.occupation, demographics.occupation))
  );
}

const matches = (demographics: PersonaDemographics, person: Person, mapping = DEFAULT_TRAIT_MAPPING) =>
  matchesRule(personaRule(demographics, mapping), { traits: traitsOf(person, mapping) });

const none: PersonaDemographics = {
  ageRanges: [],
  genders: [],
  locations: [],
  incomeBand: '',
  occupation: '',
};

describe('a persona as a rule', () => {
  it('matches a profile exactly when it fits every demographic the persona states', () => {
    fc.assert(
      fc.property(demographicsArb, people, (demographics, person) => {
        expect(matches(demographics, person)).toBe(fits(person, demographics));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the traits where the space keeps them', () => {
    const mapping: TraitMapping = {
      age: 'profile.age_years',
      gender: 'sex',
      country: 'country_code',
      city: 'town',
      incomeBand: 'income',
      occupation: 'job.title',
    };
    fc.assert(
      fc.property(demographicsArb, people, (demographics, person) => {
        expect(matches(demographics, person, mapping)).toBe(fits(person, demographics));
      }),
      { numRuns: 300 },
    );
  });

  it('matches the spellings of a gender profiles write, and no other gender', () => {
    const women = { ...none, genders: ['GENDER_FEMALE'] };
    for (const gender of ['female', 'Female', 'FEMALE']) expect(matches(women, { gender })).toBe(true);
    for (const gender of ['male', 'fem', '']) expect(matches(women, { gender })).toBe(false);
    const nonBinary = { ...none, genders: ['NON_BINARY'] };
    for (const gender of ['non-binary', 'Non-binary', 'NON-BINARY'])
      expect(matches(nonBinary, { gender })).toBe(true);
  });

  it('matches a location as the country or the city, in any of its spellings', () => {
    const french = { ...none, locations: ['France', 'new york'] };
    expect(matches(french, { country: 'FRANCE' })).toBe(true);
    expect(matches(french, { city: 'france' })).toBe(true);
    expect(matches(french, { city: 'NEW YORK', country: 'US' })).toBe(true);
    expect(matches(french, { city: 'Paris', country: 'Germany' })).toBe(false);
    expect(matches(french, { city: 'New York', country: 'US' })).toBe(true);
  });

  it('keeps every location of a long list, past the 100 values one condition may hold', () => {
    const places = Array.from({ length: 40 }, (_, index) => `place ${index}`);
    const many = { ...none, locations: places };
    expect(matches(many, { city: 'Place 39' })).toBe(true);
    expect(matches(many, { city: 'place 40' })).toBe(false);
  });

  it('includes both ends of an age range', () => {
    const young = { ...none, ageRanges: [{ min: 25, max: 34 }] };
    expect([24, 25, 34, 35].map((age) => matches(young, { age }))).toEqual([false, true, true, false]);
  });

  it('matches everyone when the persona states nothing', () => {
    expect(personaRule(none, DEFAULT_TRAIT_MAPPING)).toEqual({ all: [] });
    expect(matches(none, {})).toBe(true);
  });
});
