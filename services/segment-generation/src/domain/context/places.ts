import { leafOf } from '@prism/profile-features';
import { AREAS, COUNTRIES, countryName } from './countries.js';
import { anyOf, type MatcherOf, PhraseTable, type Reading, valueRule } from './matcher-kit.js';
import type { ContextVocabulary } from './vocabulary.js';
import { isStopWord, NEGATIONS, type Token } from './words.js';

/** Traits naming a place within a country, by their last segment (`address.city`, `address.state`). */
const LOCAL_PLACES: ReadonlySet<string> = new Set(['region', 'state', 'province', 'county', 'city', 'town']);
/** A brief's places are alternatives of one kind. */
const LOCATION_KIND = 'location';

/** Whether a trait says where someone lives: it holds countries, or is named like a region or city. */
export function isPlaceKey(vocabulary: ContextVocabulary, key: string): boolean {
  return vocabulary.countries.has(key) || LOCAL_PLACES.has(leafOf(key).toLowerCase());
}

/** The traits and values naming each country, from whichever traits hold countries. */
function countryHolders(vocabulary: ContextVocabulary): Map<string, [string, string][]> {
  const holders = new Map<string, [string, string][]>();
  for (const [key, codes] of vocabulary.countries) {
    for (const [value, code] of codes) holders.set(code, [...(holders.get(code) ?? []), [key, value]]);
  }
  return holders;
}

interface NamedPlace {
  label: string;
  codes: readonly string[];
}

/**
 * Countries by name ("Germany") or upper-case ISO code ("DE"), areas ("Europe", "DACH",
 * "Nordics"), and the regions and cities of the data ("Bavaria", "Berlin"), in whichever traits
 * hold them (`country`, `address.country`, `address.city`…). Only the countries present in the
 * data count: a place no profile lives in is left unrecognised.
 */
export const placeMatcher: MatcherOf = (vocabulary) => {
  const holders = countryHolders(vocabulary);
  const countriesInData: ReadonlySet<string> = new Set(holders.keys());
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
    if (code) return countryReading(vocabulary, holders, [code], countryName(code), 1);
    const area = named.longest(tokens, at);
    const place = local.longest(tokens, at);
    const [first] = area?.payloads ?? [];
    if (area && first && area.length >= (place?.length ?? 0)) {
      return countryReading(vocabulary, holders, first.codes, first.label, area.length);
    }
    return place && localReading(vocabulary, place.payloads, place.length);
  };
};

function placesOfData(vocabulary: ContextVocabulary): PhraseTable<[string, string]> {
  const table = new PhraseTable<[string, string]>();
  for (const [key, values] of vocabulary.values) {
    if (vocabulary.countries.has(key) || !isPlaceKey(vocabulary, key)) continue;
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
  if (!/^[A-Z]{2}$/.test(text) || !inData.has(text)) return undefined;
  const word = text.toLowerCase();
  const shouting =
    tokens.some((token) => token.text.length > 2) &&
    tokens.every((token) => token.text === token.text.toUpperCase());
  return shouting && (isStopWord(word) || NEGATIONS.has(word)) ? undefined : text;
}

function countryReading(
  vocabulary: ContextVocabulary,
  holders: ReadonlyMap<string, readonly [string, string][]>,
  codes: readonly string[],
  label: string,
  length: number,
): Reading {
  const sorted = [...codes].sort();
  const held = sorted.flatMap((code) => holders.get(code) ?? []);
  const keys = [...new Set(held.map(([key]) => key))].join(' or ');
  const meaning =
    sorted.length === 1
      ? `${keys} is ${label} (${sorted[0]})`
      : `${label}: ${keys} is one of ${sorted.join(', ')} (${sorted.length} countries in the data)`;
  return {
    length,
    meaning,
    kind: LOCATION_KIND,
    condition: anyOf(held.map(([key, value]) => valueRule(vocabulary, key, value))),
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
