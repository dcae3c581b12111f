import { AREAS, COUNTRIES, countryName, isCountryCode } from './countries.js';
import { anyOf, type MatcherOf, PhraseTable, type Reading, valueRule } from './matcher-kit.js';
import { type ContextVocabulary, TRAIT } from './vocabulary.js';
import { isStopWord, NEGATIONS, type Token } from './words.js';

/** Traits naming where someone lives; a brief's places are alternatives of one kind. */
export const LOCATION_KEYS: ReadonlySet<string> = new Set([
  TRAIT.country,
  'region',
  'state',
  'province',
  'city',
]);
const LOCATION_KIND = 'location';

interface NamedPlace {
  label: string;
  codes: readonly string[];
}

/**
 * Countries by name ("Germany") or upper-case ISO code ("DE"), areas ("Europe", "DACH",
 * "Nordics"), and the regions and cities of the data ("Bavaria", "Berlin"). Only the countries
 * present in the data count: a place no profile lives in is left unrecognised.
 */
export const placeMatcher: MatcherOf = (vocabulary) => {
  const countriesInData = vocabulary.values.get(TRAIT.country) ?? new Set<string>();
  const named = new PhraseTable<NamedPlace>();
  for (const area of AREAS) {
    const codes = area.codes.filter((code) => countriesInData.has(code));
    if (codes.length > 0)
      for (const name of area.names) named.add(name, { label: area.names[0] ?? name, codes });
  }
  for (const country of COUNTRIES) {
    if (!countriesInData.has(country.code)) continue;
    for (const name of country.names)
      named.add(name, { label: country.names[0] ?? name, codes: [country.code] });
  }
  const local = placesOfData(vocabulary);
  return (tokens, at) => {
    const code = isoCodeAt(tokens, at, countriesInData);
    if (code) return countryReading(vocabulary, [code], countryName(code), 1);
    const area = named.longest(tokens, at);
    const place = local.longest(tokens, at);
    const [first] = area?.payloads ?? [];
    if (area && first && area.length >= (place?.length ?? 0)) {
      return countryReading(vocabulary, first.codes, first.label, area.length);
    }
    return place && localReading(vocabulary, place.payloads, place.length);
  };
};

function placesOfData(vocabulary: ContextVocabulary): PhraseTable<[string, string]> {
  const table = new PhraseTable<[string, string]>();
  for (const [key, values] of vocabulary.values) {
    if (key === TRAIT.country || !LOCATION_KEYS.has(key)) continue;
    for (const value of values) table.add(value, [key, value]);
  }
  return table;
}

/**
 * An upper-case two-letter token that is a country of the data. In text written all in capitals
 * (some word longer than a code) the case says nothing, so codes that are also English words
 * ("IN", "IT", "NO") are not read then; "DE, AT, CH" still is.
 */
function isoCodeAt(tokens: readonly Token[], at: number, inData: ReadonlySet<string>): string | undefined {
  const text = tokens[at]?.text ?? '';
  if (!/^[A-Z]{2}$/.test(text) || !isCountryCode(text) || !inData.has(text)) return undefined;
  const word = text.toLowerCase();
  const shouting =
    tokens.some((token) => token.text.length > 2) &&
    tokens.every((token) => token.text === token.text.toUpperCase());
  return shouting && (isStopWord(word) || NEGATIONS.has(word)) ? undefined : text;
}

function countryReading(
  vocabulary: ContextVocabulary,
  codes: readonly string[],
  label: string,
  length: number,
): Reading {
  const sorted = [...codes].sort();
  const meaning =
    sorted.length === 1
      ? `country is ${label} (${sorted[0]})`
      : `${label}: country is one of ${sorted.join(', ')} (${sorted.length} countries in the data)`;
  return {
    length,
    meaning,
    kind: LOCATION_KIND,
    condition: anyOf(sorted.map((code) => valueRule(vocabulary, TRAIT.country, code))),
  };
}

function localReading(vocabulary: ContextVocabulary, places: [string, string][], length: number): Reading {
  const keys = [...new Set(places.map(([key]) => key))];
  const [, value] = places[0] ?? ['', ''];
  return {
    length,
    meaning: `${keys.join(' or ')} is ${value}`,
    kind: LOCATION_KIND,
    condition: anyOf(places.map(([key, place]) => valueRule(vocabulary, key, place))),
  };
}
