import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseCity, normaliseEmail, normaliseGender, normaliseName } from './fields.js';
import { metaRow, sha256Hex } from './normalise.js';
import { normaliseCountry, normalisePhone, normaliseState, normaliseZip } from './places.js';
import { META_KEYS, SHA256_HEX, UNHASHED_KEYS } from './schema.js';

const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'CA', undefined] as const;
const country = fc.constantFrom(...COUNTRIES);
const anyText = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string());
const phoneText = fc.stringMatching(/^\+?[0-9 ()\-.]{0,20}$/);

/** Text with its letters' case flipped at random and spaces added around and between words. */
const reshaped = (words: string[]) =>
  fc
    .tuple(
      fc.array(fc.boolean(), { minLength: words.join('').length, maxLength: words.join('').length }),
      fc.array(fc.constantFrom(' ', '  ', '\t'), {
        minLength: words.length + 1,
        maxLength: words.length + 1,
      }),
    )
    .map(([upper, spaces]) => {
      let letter = 0;
      const recased = words.map((word) =>
        [...word].map((char) => (upper[letter++] ? char.toUpperCase() : char)).join(''),
      );
      return spaces.map((space, index) => `${space}${recased[index] ?? ''}`).join('');
    });

const asciiWords = fc.array(fc.stringMatching(/^[a-z]{1,8}$/), { minLength: 1, maxLength: 3 });

describe('Meta normalisers (properties)', () => {
  it('are idempotent on any text: normalised data hashes as raw data does', () => {
    fc.assert(
      fc.property(anyText, country, (text, place) => {
        for (const normalise of [
          normaliseEmail,
          normaliseName,
          normaliseCity,
          normaliseGender,
          normaliseCountry,
        ]) {
          expect(normalise(normalise(text))).toBe(normalise(text));
        }
        for (const normalise of [normaliseState, normaliseZip]) {
          expect(normalise(normalise(text, place), place)).toBe(normalise(text, place));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keep a phone once it is normalised, in the same country', () => {
    fc.assert(
      fc.property(phoneText, country, (text, place) => {
        const once = normalisePhone(text, place);
        expect(normalisePhone(once, place)).toBe(once);
        expect(once).toMatch(/^(|[1-9]\d{0,14})$/);
      }),
      { numRuns: 300 },
    );
  });

  it('hash equal emails, names and cities to equal digests whatever their case and spacing', () => {
    fc.assert(
      fc.property(asciiWords, asciiWords, (local, domain) => {
        const email = `${local.join('.')}@${domain.join('.')}`;
        const name = local.join(' ');
        return fc.assert(
          fc.property(
            reshaped([email]),
            reshaped(local),
            reshaped(domain),
            (mixedEmail, mixedName, mixedCity) => {
              expect(sha256Hex(normaliseEmail(mixedEmail))).toBe(sha256Hex(normaliseEmail(email)));
              expect(sha256Hex(normaliseName(mixedName))).toBe(sha256Hex(normaliseName(name)));
              expect(sha256Hex(normaliseCity(mixedCity))).toBe(sha256Hex(normaliseCity(domain.join(''))));
            },
          ),
          { numRuns: 5 },
        );
      }),
      { numRuns: 60 },
    );
  });

  it('hash a phone the same however it is punctuated', () => {
    const separators = fc.array(fc.constantFrom('', ' ', '-', '.', '(', ')'), {
      minLength: 10,
      maxLength: 10,
    });
    fc.assert(
      fc.property(fc.stringMatching(/^[2-9][0-9]{2}[2-9][0-9]{6}$/), separators, (digits, between) => {
        const punctuated = [...digits].map((digit, index) => `${between[index]}${digit}`).join('');
        expect(normalisePhone(punctuated, 'US')).toBe(normalisePhone(digits, 'US'));
        expect(normalisePhone(`+1 ${punctuated}`, 'US')).toBe(normalisePhone(`+1${digits}`, undefined));
      }),
    );
  });

  it('send hashed keys as 64 lowercase hex and EXTERN_ID and MADID as they are', () => {
    const traits = fc.record({
      email: anyText,
      firstName: anyText,
      last_name: anyText,
      phone: phoneText,
      gender: fc.constantFrom('male', 'F', 'x'),
      birthday: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      address: fc.record({
        city: anyText,
        state: anyText,
        postalCode: anyText,
        country: fc.constantFrom('US', 'Germany', 'xx'),
      }),
    });
    const identifiers = fc.array(
      fc.record({
        type: fc.constantFrom('user_id', 'email', 'idfa', 'phone'),
        value: fc.string({ minLength: 1 }),
      }),
    );
    fc.assert(
      fc.property(fc.record({ identifiers, traits }), (person) => {
        const row = metaRow(person, META_KEYS);
        META_KEYS.forEach((key, index) => {
          const value = row[index] ?? '';
          if (value === '' || UNHASHED_KEYS.has(key)) return;
          expect(value).toMatch(SHA256_HEX);
        });
        const userId = person.identifiers.find((identifier) => identifier.type === 'user_id');
        expect(row[META_KEYS.indexOf('EXTERN_ID')]).toBe(userId?.value.trim() ?? '');
      }),
      { numRuns: 200 },
    );
  });
});
