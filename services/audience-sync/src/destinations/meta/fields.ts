/**
 * Meta's normalisation of the person fields that need no place or country: each function gives
 * the text Meta hashes, or an empty string when the value is unusable. All are idempotent, so
 * data normalised upstream hashes the same as raw data.
 */

/**
 * Lowercase without the `dropped` characters, then composed (NFC) last: dropping a character
 * between a letter and its accent leaves a pair that composing joins, so composing first would
 * not be idempotent.
 */
const lowercaseWithout = (text: string, dropped: RegExp): string =>
  text.toLowerCase().replace(dropped, '').normalize('NFC');

/** Lowercase letters (of any script, accents kept) and nothing else: Meta's CT, and ST outside the US. */
export const lettersOnly = (text: string): string => lowercaseWithout(text, /[^\p{L}\p{M}]/gu);

/** EMAIL: trimmed and lowercased; empty without an "@" between text. */
export function normaliseEmail(value: string): string {
  const email = value.trim().toLowerCase();
  return /^[^@\s]+@[^@\s]+$/.test(email) ? email : '';
}

/** FN / LN: lowercase letters of any script (accents kept) and single spaces; no punctuation, digits or symbols. */
export const normaliseName = (value: string): string =>
  lowercaseWithout(value, /[^\p{L}\p{M}\s]/gu)
    .replace(/\s+/gu, ' ')
    .trim();

/** CT: lowercase letters only, without spaces or punctuation ("New York" → "newyork"). */
export const normaliseCity = lettersOnly;

/** A Map, not an object literal: person data like "__proto__" or "constructor" must not reach Object's prototype. */
const GENDERS: ReadonlyMap<string, 'm' | 'f'> = new Map([
  ['m', 'm'],
  ['male', 'm'],
  ['man', 'm'],
  ['f', 'f'],
  ['female', 'f'],
  ['woman', 'f'],
]);

/** GEN: "m" or "f"; empty for anything else (Meta has no other value). */
export const normaliseGender = (value: string): string => GENDERS.get(value.trim().toLowerCase()) ?? '';

export interface BirthDate {
  year: string;
  month: string;
  day: string;
}

/**
 * DOBY / DOBM / DOBD of an ISO date ("1990-04-07", or a date-time whose date part is read as
 * written, never shifted by a time zone): four digits from 1900 to this year, two-digit month
 * and day; undefined for anything else or a day the month does not have.
 */
export function birthDate(value: string, today = new Date()): BirthDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim());
  if (!match) return undefined;
  const [, year = '', month = '', day = ''] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  const exists = date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
  const plausible = Number(year) >= 1900 && Number(year) <= today.getUTCFullYear();
  return exists && plausible ? { year, month, day } : undefined;
}
