import type { Rule, TraitCondition } from '@prism/rules';

/** Which trait of a space holds each persona demographic. */
export interface TraitMapping {
  age: string;
  gender: string;
  country: string;
  city: string;
  incomeBand: string;
  occupation: string;
}

/** Segment's reserved traits, where its SDKs put them (`address.country`, `address.city`). */
export const DEFAULT_TRAIT_MAPPING: TraitMapping = {
  age: 'age',
  gender: 'gender',
  country: 'address.country',
  city: 'address.city',
  incomeBand: 'income_band',
  occupation: 'occupation',
};

/** A persona's demographics as the persona events carry them (proto3 JSON, genders by name). */
export interface PersonaDemographics {
  ageRanges: { min: number; max: number }[];
  genders: string[];
  locations: string[];
  incomeBand: string;
  occupation: string;
}

/**
 * A persona read as a rule over the space's traits: every demographic it states narrows the
 * audience (AND); the values within one demographic widen it (OR). A persona that states none
 * matches everyone, which `personaRule` reports so the API can say so.
 */
export function personaRule(demographics: PersonaDemographics, mapping: TraitMapping): Rule {
  const parts: Rule[] = [];
  const ages = demographics.ageRanges.map(
    ({ min, max }): Rule => ({
      all: [trait(mapping.age, 'greater_or_equal', min), trait(mapping.age, 'less_or_equal', max)],
    }),
  );
  if (ages.length > 0) parts.push(oneOf(ages));
  if (demographics.genders.length > 0)
    parts.push(trait(mapping.gender, 'in', spellings(demographics.genders.flatMap(genderWords))));
  if (demographics.locations.length > 0) {
    const places = spellings(demographics.locations);
    parts.push({ any: [trait(mapping.country, 'in', places), trait(mapping.city, 'in', places)] });
  }
  if (demographics.incomeBand)
    parts.push(trait(mapping.incomeBand, 'in', spellings([demographics.incomeBand])));
  if (demographics.occupation)
    parts.push(trait(mapping.occupation, 'in', spellings([demographics.occupation])));
  return { all: parts };
}

const trait = (key: string, operator: TraitCondition['operator'], value: TraitCondition['value']): Rule => ({
  trait: { key, operator, value },
});

const oneOf = (rules: Rule[]): Rule => (rules.length === 1 ? (rules[0] as Rule) : { any: rules });

/** `GENDER_NON_BINARY` (or `NON_BINARY`) → `non_binary` and `non-binary`: how profiles write it. */
const genderWords = (gender: string) => {
  const word = gender.replace(/^GENDER_/, '').toLowerCase();
  return [...new Set([word, word.replace('_', '-')])];
};

/**
 * Traits are compared exactly, and data writes the same word as `female`, `Female` or `FEMALE`:
 * the rule lists the three spellings of each value (at most 100 values per condition).
 */
function spellings(values: string[]): string[] {
  const all = values.flatMap((value) => [
    value,
    value.toLowerCase(),
    value.toUpperCase(),
    capitalised(value),
  ]);
  return [...new Set(all)].slice(0, 100);
}

const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
