import { MAX_IN_VALUES, type Rule, type TraitCondition } from '@prism/rules';

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
    parts.push(oneOf(isAnyOf(mapping.gender, demographics.genders.flatMap(genderWords))));
  if (demographics.locations.length > 0)
    parts.push(
      oneOf([
        ...isAnyOf(mapping.country, demographics.locations),
        ...isAnyOf(mapping.city, demographics.locations),
      ]),
    );
  if (demographics.incomeBand) parts.push(oneOf(isAnyOf(mapping.incomeBand, [demographics.incomeBand])));
  if (demographics.occupation) parts.push(oneOf(isAnyOf(mapping.occupation, [demographics.occupation])));
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
 * Traits are compared exactly, and data writes the same word as `female`, `Female` or `FEMALE`
 * (`new york`, `New York`): the conditions list each value's spellings, 100 to a condition
 * (the rule language's limit for `in`).
 */
function isAnyOf(key: string, values: string[]): Rule[] {
  const all = [...new Set(values.flatMap(spellingsOf))];
  const conditions: Rule[] = [];
  for (let start = 0; start < all.length; start += MAX_IN_VALUES)
    conditions.push(trait(key, 'in', all.slice(start, start + MAX_IN_VALUES)));
  return conditions;
}

const spellingsOf = (value: string) => [
  value,
  value.toLowerCase(),
  value.toUpperCase(),
  capitalised(value),
  titled(value),
];

const capitalised = (value: string) => value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();

const titled = (value: string) =>
  value.toLowerCase().replace(/(^|[\s-])(\p{L})/gu, (_, gap, letter) => gap + letter.toUpperCase());
