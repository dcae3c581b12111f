import { alternatives, anyOf, type MatcherOf, PhraseTable, valueRule } from './matcher-kit.js';
import { isPlaceKey } from './places.js';
import type { ContextVocabulary } from './vocabulary.js';
import { isStopWord, type Token, tokenize } from './words.js';

interface ValueEntry {
  key: string;
  value: string;
  /** The text matched only one word of a value of several ("tech" of "tech gadgets"). */
  partial: boolean;
}

/**
 * Everyday words for values the data may hold, read as any of those values that are present:
 * "city dwellers" → urban, "sunny" → the warm climate zones.
 */
const SYNONYMS: readonly [readonly string[], readonly string[]][] = [
  [['city dwellers', 'city people', 'cities', 'city', 'metropolitan'], ['urban']],
  [['countryside', 'villages', 'rural areas'], ['rural']],
  [['suburbs', 'suburbia', 'suburbanites'], ['suburban']],
  [
    ['sunny', 'sunshine', 'warm climates', 'warm'],
    ['mediterranean', 'tropical', 'arid'],
  ],
  [
    ['cold climates', 'cold'],
    ['nordic', 'continental'],
  ],
];

/**
 * The values of the data's string and list traits (interests, values, occupation, settlement,
 * climate…) matched by their stems, so "runners" is `running` and "nurses" is `nurse`; one
 * distinctive word of a list value of several words matches it too ("tech" → `tech gadgets`).
 */
export const valueMatcher: MatcherOf = (vocabulary) => {
  const table = valueTable(vocabulary);
  return (tokens, at) => {
    const hit = table.longest(tokens, at);
    if (!hit) return undefined;
    const exact = hit.payloads.filter((entry) => !entry.partial);
    const entries = exact.length > 0 ? exact : hit.payloads;
    const keys = [...new Set(entries.map(({ key }) => key))].sort();
    return {
      length: hit.length,
      meaning: meaningOf(vocabulary, entries, exact.length === 0 ? tokens.slice(at, at + hit.length) : []),
      kind: keys.join('+'),
      condition: anyOf(entries.map(({ key, value }) => valueRule(vocabulary, key, value))),
    };
  };
};

/** "interests include 'running'", "settlement is 'urban' (partial match of "…")". */
function meaningOf(
  vocabulary: ContextVocabulary,
  entries: readonly ValueEntry[],
  partialOf: readonly Token[],
): string {
  const keys = [...new Set(entries.map(({ key }) => key))].sort();
  const verb = keys.some((key) => vocabulary.lists.has(key)) ? 'include' : 'is';
  const values = alternatives(entries.map(({ value }) => `'${value}'`));
  const partial =
    partialOf.length > 0 ? ` (partial match of "${partialOf.map(({ text }) => text).join(' ')}")` : '';
  return `${alternatives(keys)} ${verb} ${values}${partial}`;
}

function valueTable(vocabulary: ContextVocabulary): PhraseTable<ValueEntry> {
  const table = new PhraseTable<ValueEntry>();
  for (const [key, values] of vocabulary.values) {
    if (isPlaceKey(vocabulary, key)) continue;
    for (const value of values) {
      if (!/\p{L}{2}/u.test(value)) continue;
      table.add(value, { key, value, partial: false });
      if (vocabulary.lists.has(key)) addDistinctiveWords(table, key, value);
    }
    for (const [words, synonymOf] of SYNONYMS) {
      for (const value of synonymOf.filter((candidate) => values.has(candidate))) {
        for (const word of words) table.add(word, { key, value, partial: false });
      }
    }
  }
  return table;
}

/** Words of four letters or more, not stop words, of a value of several words. */
function addDistinctiveWords(table: PhraseTable<ValueEntry>, key: string, value: string): void {
  const words = tokenize(value);
  if (words.length < 2) return;
  for (const word of words) {
    if (word.folded.length >= 4 && !isStopWord(word.folded))
      table.add(word.text, { key, value, partial: true });
  }
}
