import countries from 'i18n-iso-countries';
import { iso31662 } from 'iso-3166';
import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';
import { lettersOnly } from './fields.js';

/**
 * Where a person lives and how to call them, normalised as Meta matches them: ISO-3166 alpha-2
 * countries, US states by their two-letter code, US ZIP codes by their first five digits, phones
 * as digits with the country calling code. Names are read through the ISO lists of
 * `i18n-iso-countries` (every language it ships) and `iso-3166`, not a table of our own.
 */

/** Letters only, without accents, lowercase: how names are compared ("Côte d’Ivoire" = "cote divoire"). */
const comparable = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/[^\p{L}]/gu, '')
    .toLowerCase();

let countryNames: Map<string, string> | undefined;
/** Codes of the texts already read: a space holds few distinct country texts, read for every row. */
const countryCodes = new Map<string, string | undefined>();
const MAX_REMEMBERED_COUNTRIES = 10_000;

/** Every country name of every language the package ships (English first on a clash), by `comparable`. */
function countryByName(): Map<string, string> {
  if (countryNames) return countryNames;
  const languages = ['en', ...countries.langs().filter((language) => language !== 'en')];
  countryNames = new Map();
  for (const language of languages) {
    for (const [code, names] of Object.entries(countries.getNames(language, { select: 'all' }))) {
      for (const name of names)
        if (!countryNames.has(comparable(name))) countryNames.set(comparable(name), code);
    }
  }
  return countryNames;
}

/** The ISO-3166 alpha-2 code (uppercase) of a code or a name ("us", "USA", "Deutschland"), if known. */
export function countryCode(value: string): string | undefined {
  if (countryCodes.has(value)) return countryCodes.get(value);
  if (countryCodes.size >= MAX_REMEMBERED_COUNTRIES) countryCodes.clear();
  const code = readCountry(value.trim());
  countryCodes.set(value, code);
  return code;
}

function readCountry(trimmed: string): string | undefined {
  if (/^[A-Za-z]{2}$/.test(trimmed) && countries.isValid(trimmed)) return trimmed.toUpperCase();
  if (/^[A-Za-z]{3}$/.test(trimmed)) {
    const fromAlpha3 = countries.alpha3ToAlpha2(trimmed.toUpperCase());
    if (fromAlpha3) return fromAlpha3;
  }
  return countryByName().get(comparable(trimmed));
}

/** COUNTRY: the alpha-2 code, lowercase; empty when the country is not recognised. */
export const normaliseCountry = (value: string): string => countryCode(value)?.toLowerCase() ?? '';

const US_STATES: ReadonlyMap<string, string> = new Map(
  iso31662
    .filter((subdivision) => subdivision.parent === 'US')
    .flatMap(({ code, name }) => {
      const state = code.slice(3);
      return [
        [comparable(state), state],
        [comparable(name), state],
        [comparable(code), state],
      ];
    }),
);

/**
 * ST: for the US (or an unknown country) a state code or name gives the two-letter code,
 * lowercase; elsewhere the region in lowercase letters, without punctuation or spaces.
 */
export function normaliseState(value: string, country: string | undefined): string {
  const letters = comparable(value);
  if (country === undefined || country === 'US') {
    const state = US_STATES.get(letters);
    if (state) return state.toLowerCase();
  }
  return lettersOnly(value);
}

/** The outward code and sector of a UK postcode ("SW1A 1AA" → "sw1a1"), as Meta asks for the UK. */
const UK_POSTCODE = /^([a-z]{1,2}\d[a-z\d]?)(\d)[a-z]{2}$/;

/**
 * ZIP: lowercase without spaces, the part before a "-"; a US ZIP is its first five digits and a UK
 * postcode its area, district and sector. Empty when nothing usable is left.
 */
export function normaliseZip(value: string, country: string | undefined): string {
  const compact = value.toLowerCase().replace(/\s/g, '').split('-', 1)[0] ?? '';
  if (country === 'US') return /^\d{5}/.test(compact) ? compact.slice(0, 5) : '';
  if (country === 'GB') return compact.replace(UK_POSTCODE, '$1$2');
  return compact;
}

/**
 * PHONE: digits with the country calling code, no "+" and no leading zeros; empty when unusable.
 * A number written internationally ("+44…", "0044…") is read with its own calling code, and
 * kept only when valid like every other: taking it as written kept invalid numbers whose
 * normalised form (no "+") then normalised to nothing, so normalised data would not hash as raw
 * data does ("+1000000" of a US person). Any other is read
 * as a national number of the person's country (so "(650) 555-1234" of a US person gains its
 * "1") and as digits that already start with a calling code — that reading first when they start
 * with the country's own, so a normalised number stays as it is — and kept only when valid.
 */
export function normalisePhone(value: string, country: string | undefined): string {
  if (value === '') return '';
  const compact = value.replace(/[^\d+]/g, '');
  const digits = compact.replace(/\D/g, '');
  const withCode: Reading = [`+${digits.replace(/^0+/, '')}`, undefined];
  if (compact.startsWith('+') || digits.startsWith('00')) return validPhone([withCode]);
  if (!country || !isSupportedCountry(country)) return validPhone([withCode]);
  const national: Reading = [digits, country];
  const hasCode = digits.startsWith(getCountryCallingCode(country));
  return validPhone(hasCode ? [withCode, national] : [national, withCode]);
}

/** A phone's text and the country its national form is read in. */
type Reading = readonly [string, CountryCode | undefined];

/** The E.164 digits of the first reading that is a valid number, or empty. */
function validPhone(readings: readonly Reading[]): string {
  for (const [text, country] of readings) {
    const phone = parsePhoneNumberFromString(text, country);
    if (phone?.isValid()) return phone.number.slice(1);
  }
  return '';
}
