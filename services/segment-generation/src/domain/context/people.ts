import { anyOf, type MatcherOf, PhraseTable, type Reading, valueRule } from './matcher-kit.js';
import { type ContextVocabulary, TRAIT } from './vocabulary.js';
import { fold } from './words.js';

/** Ways of saying a gender, by the value Prism profiles hold. */
const GENDER_WORDS: Readonly<Record<string, readonly string[]>> = {
  female: ['women', 'woman', 'female', 'ladies', 'lady', 'girls'],
  male: ['men', 'man', 'male', 'guys', 'gentlemen', 'boys'],
  non_binary: ['non-binary', 'nonbinary', 'enby'],
};

/** "women", "men", "non-binary people": the gender trait, when the data has that value. */
export const genderMatcher: MatcherOf = (vocabulary) => {
  const present = vocabulary.values.get(TRAIT.gender) ?? new Set<string>();
  const table = new PhraseTable<string>();
  for (const [gender, words] of Object.entries(GENDER_WORDS)) {
    if (present.has(gender)) for (const word of words) table.add(word, gender);
  }
  return (tokens, at) => {
    const hit = table.longest(tokens, at);
    const [gender] = hit?.payloads ?? [];
    if (!hit || gender === undefined) return undefined;
    return {
      length: hit.length,
      meaning: `${TRAIT.gender} is ${gender}`,
      kind: TRAIT.gender,
      condition: valueRule(vocabulary, TRAIT.gender, gender),
    };
  };
};

type IncomeSide = 'high' | 'low';

const INCOME_WORDS: Readonly<Record<IncomeSide, readonly string[]>> = {
  high: [
    'high income',
    'high earners',
    'top earners',
    'upper income',
    'affluent',
    'wealthy',
    'rich',
    'well off',
  ],
  low: ['low income', 'low earners', 'budget', 'budget conscious', 'on a budget', 'cost conscious'],
};

/**
 * "affluent", "high income", "budget": the top or bottom third of the income bands of the data,
 * bands being string values ordered by the amount they start at ("<25k" < "25-50k" < ">150k").
 */
export const incomeMatcher: MatcherOf = (vocabulary) => {
  const income = incomeBands(vocabulary);
  if (income === undefined) return () => undefined;
  const table = new PhraseTable<IncomeSide>();
  for (const side of ['high', 'low'] as const) {
    for (const word of INCOME_WORDS[side]) table.add(word, side);
  }
  const third = Math.ceil(income.bands.length / 3);
  return (tokens, at): Reading | undefined => {
    const hit = table.longest(tokens, at);
    const [side] = hit?.payloads ?? [];
    if (!hit || side === undefined) return undefined;
    const bands = side === 'high' ? income.bands.slice(-third) : income.bands.slice(0, third);
    return {
      length: hit.length,
      meaning: `${side} income: ${income.key} is one of ${bands.join(', ')} (${side === 'high' ? 'top' : 'bottom'} third of the bands)`,
      kind: income.key,
      condition: anyOf(bands.map((band) => valueRule(vocabulary, income.key, band))),
    };
  };
};

/** The first string trait named like income whose values carry amounts, bands in order. */
function incomeBands(vocabulary: ContextVocabulary): { key: string; bands: string[] } | undefined {
  for (const [key, values] of vocabulary.values) {
    if (!fold(key).includes('income') || vocabulary.lists.has(key)) continue;
    const bands = [...values].filter((value) => amountOf(value) !== undefined);
    if (bands.length >= 2)
      return { key, bands: bands.sort((a, b) => (amountOf(a) ?? 0) - (amountOf(b) ?? 0)) };
  }
  return undefined;
}

/** Where a band starts: "25-50k" → 25000; "<25k" just below 25000, ">150k" just above 150000. */
function amountOf(band: string): number | undefined {
  const match = /([<>])?\s*(\d+(?:\.\d+)?)/.exec(band);
  if (!match) return undefined;
  const unit = /\d\s*([km])\b/i.exec(band)?.[1]?.toLowerCase();
  const scale = unit === 'k' ? 1e3 : unit === 'm' ? 1e6 : 1;
  const nudge = match[1] === '<' ? -0.5 : match[1] === '>' ? 0.5 : 0;
  return (Number(match[2]) + nudge) * scale;
}
