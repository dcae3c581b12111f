import { describe, expect, it } from 'vitest';
import { birthDate, normaliseCity, normaliseEmail, normaliseGender, normaliseName } from './fields.js';
import { type MetaPerson, metaRow, normalisedFields } from './normalise.js';
import { normaliseCountry, normalisePhone, normaliseState, normaliseZip } from './places.js';
import { META_KEYS } from './schema.js';

/** SHA-256 of "abc", from FIPS 180-2's test vectors: the hash is Meta's, not one of our own. */
const SHA256_OF_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';

describe("Meta's normalisation of each field", () => {
  it('trims and lowercases emails, and drops text that is no email', () => {
    expect(normaliseEmail('  Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normaliseEmail('jane at example.com')).toBe('');
  });

  it('writes phones as digits with the country code, adding the person’s country code when missing', () => {
    expect(normalisePhone('(650) 555-1234', 'US')).toBe('16505551234');
    expect(normalisePhone('020 7946 0958', 'GB')).toBe('442079460958');
    expect(normalisePhone('030 1234567', 'DE')).toBe('49301234567');
    expect(normalisePhone('+44 20 7946 0958', 'US')).toBe('442079460958');
    expect(normalisePhone('0044 20 7946 0958', undefined)).toBe('442079460958');
    expect(normalisePhone('1-650-555-1234', undefined)).toBe('16505551234');
  });

  it('leaves out phones whose country code cannot be known or that are no number', () => {
    expect(normalisePhone('650 555 1234', undefined)).toBe('');
    expect(normalisePhone('12', 'US')).toBe('');
    expect(normalisePhone('call me', 'US')).toBe('');
    // Written internationally but no valid number: refused, as its normalised form would be.
    expect(normalisePhone('+1000000', 'US')).toBe('');
  });

  it('lowercases names without punctuation, keeping letters of any script', () => {
    expect(normaliseName('Zoë-Anne')).toBe('zoëanne');
    expect(normaliseName("O'Brien")).toBe('obrien');
    expect(normaliseName('  MARY   Ann ')).toBe('mary ann');
    expect(normaliseName('Jose\u0301')).toBe('josé');
    expect(normaliseName('Ærøskøbing')).toBe('ærøskøbing');
    expect(normaliseName('Дмитрий')).toBe('дмитрий');
  });

  it('writes cities as lowercase letters without spaces or punctuation', () => {
    expect(normaliseCity('San Francisco')).toBe('sanfrancisco');
    expect(normaliseCity('St. Louis')).toBe('stlouis');
    expect(normaliseCity('München')).toBe('münchen');
  });

  it('gives US states their two-letter code and other regions as lowercase letters', () => {
    expect(normaliseState('California', 'US')).toBe('ca');
    expect(normaliseState('CA', 'US')).toBe('ca');
    expect(normaliseState('new york', undefined)).toBe('ny');
    expect(normaliseState('US-TX', 'US')).toBe('tx');
    expect(normaliseState('Bayern', 'DE')).toBe('bayern');
    expect(normaliseState('Île-de-France', 'FR')).toBe('îledefrance');
  });

  it('keeps the first five digits of a US ZIP, the sector of a UK postcode, other codes compacted', () => {
    expect(normaliseZip('94103-1234', 'US')).toBe('94103');
    expect(normaliseZip('9410', 'US')).toBe('');
    expect(normaliseZip('SW1A 1AA', 'GB')).toBe('sw1a1');
    expect(normaliseZip('M1 1AE', 'GB')).toBe('m11');
    expect(normaliseZip('K1A 0B1', 'CA')).toBe('k1a0b1');
  });

  it('maps countries given by code or name (any language) to their lowercase ISO-3166 alpha-2 code', () => {
    expect(normaliseCountry('United States')).toBe('us');
    expect(normaliseCountry('USA')).toBe('us');
    expect(normaliseCountry('gb')).toBe('gb');
    expect(normaliseCountry('Deutschland')).toBe('de');
    expect(normaliseCountry('Côte d’Ivoire')).toBe('ci');
    expect(normaliseCountry('Atlantis')).toBe('');
  });

  it('knows genders as m and f only', () => {
    expect(normaliseGender('Female')).toBe('f');
    expect(normaliseGender(' M ')).toBe('m');
    expect(normaliseGender('non-binary')).toBe('');
    for (const objectKey of ['__proto__', 'constructor', 'toString'])
      expect(normaliseGender(objectKey)).toBe('');
  });

  it('reads the birth date as written, refusing days that do not exist and implausible years', () => {
    expect(birthDate('1990-04-07')).toEqual({ year: '1990', month: '04', day: '07' });
    expect(birthDate('1990-04-07T23:30:00-05:00')).toEqual({ year: '1990', month: '04', day: '07' });
    expect(birthDate('1990-02-30')).toBeUndefined();
    expect(birthDate('1899-12-31')).toBeUndefined();
    expect(birthDate('2031-01-01', new Date('2030-06-01'))).toBeUndefined();
    expect(birthDate('07/04/1990')).toBeUndefined();
  });
});

describe('a person as a Meta row', () => {
  const jane: MetaPerson = {
    identifiers: [
      { type: 'anonymous_id', value: 'anon-1' },
      { type: 'user_id', value: 'usr_42' },
      { type: 'email', value: 'jane.doe@example.com' },
      { type: 'ios.idfa', value: 'AECE52E7-03EE-455A-B3C4-E57283966239' },
    ],
    traits: {
      email: 'old.jane@example.com',
      first_name: 'Abc',
      lastName: 'Doe',
      phone: '(650) 555-1234',
      address: { city: 'San Francisco', state: 'California', postalCode: 94103, country: 'United States' },
      gender: 'female',
      birthday: '1990-04-07',
    },
  };

  it('normalises every key, identifiers before traits, snake_case and numbers read too', () => {
    expect(normalisedFields(jane)).toEqual({
      EMAIL: 'jane.doe@example.com',
      PHONE: '16505551234',
      FN: 'abc',
      LN: 'doe',
      CT: 'sanfrancisco',
      ST: 'ca',
      ZIP: '94103',
      COUNTRY: 'us',
      GEN: 'f',
      DOBY: '1990',
      DOBM: '04',
      DOBD: '07',
      EXTERN_ID: 'usr_42',
      MADID: 'aece52e7-03ee-455a-b3c4-e57283966239',
    });
  });

  it('hashes every key with SHA-256 in the schema’s order but EXTERN_ID and MADID', () => {
    const row = metaRow(jane, ['MADID', 'FN', 'EXTERN_ID', 'COUNTRY']);
    expect(row[0]).toBe('aece52e7-03ee-455a-b3c4-e57283966239');
    expect(row[1]).toBe(SHA256_OF_ABC);
    expect(row[2]).toBe('usr_42');
    expect(row[3]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads flat city and country traits, and leaves what the person lacks empty', () => {
    const flat: MetaPerson = {
      identifiers: [],
      traits: { city: 'Berlin', country: 'DE', phone: '030 1234567' },
    };
    const fields = normalisedFields(flat);
    expect([fields.CT, fields.COUNTRY, fields.PHONE]).toEqual(['berlin', 'de', '49301234567']);
    const row = metaRow(flat, META_KEYS);
    expect(row.filter((value) => value === '')).toHaveLength(META_KEYS.length - 3);
  });
});
