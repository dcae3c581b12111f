import { hash } from 'node:crypto';
import { valueAtPath } from '@prism/rules';
import type { Identifier } from '../../domain/profile-mirror.js';
import {
  type BirthDate,
  birthDate,
  normaliseCity,
  normaliseEmail,
  normaliseGender,
  normaliseName,
} from './fields.js';
import { countryCode, normalisePhone, normaliseState, normaliseZip } from './places.js';
import { META_KEYS, type MetaKey, type MetaRow, UNHASHED_KEYS } from './schema.js';

/** Who is sent: a profile's identifiers and its traits as Segment sends them. */
export interface MetaPerson {
  identifiers: readonly Identifier[];
  traits: Readonly<Record<string, unknown>>;
}

/** Identifier types that carry a mobile advertising id (IDFA, GAID) from `context.externalIds`. */
export const ADVERTISING_ID_TYPES: readonly string[] = [
  'madid',
  'advertising_id',
  'idfa',
  'gaid',
  'ios.idfa',
  'android.idfa',
];

/** The traits each field is read from, first present wins (Segment's camelCase, then snake_case). */
const TRAIT_PATHS = {
  email: ['email'],
  phone: ['phone'],
  firstName: ['firstName', 'first_name'],
  lastName: ['lastName', 'last_name'],
  city: ['address.city', 'city'],
  state: ['address.state', 'state'],
  postalCode: ['address.postalCode', 'address.postal_code', 'postalCode', 'postal_code'],
  country: ['address.country', 'country'],
  gender: ['gender'],
  birthday: ['birthday'],
} as const;

/**
 * The row Meta receives for a person in the schema's key order: each value normalised by Meta's
 * rules and, but for EXTERN_ID and MADID, hashed (SHA-256, lowercase hex); empty when unknown.
 * Only the schema's keys are read (a phone costs more to read than all else together).
 */
export function metaRow(person: MetaPerson, schema: readonly MetaKey[]): MetaRow {
  const reading = new PersonReading(person);
  return schema.map((key) => {
    const value = FIELDS[key](reading);
    return value === '' || UNHASHED_KEYS.has(key) ? value : sha256Hex(value);
  });
}

/** SHA-256 of the UTF-8 text, lowercase hex (`hash` is several times faster than `createHash` per row). */
export const sha256Hex = (text: string): string => hash('sha256', text, 'hex');

/** Every key's normalised value before hashing, empty when the person has none usable. */
export function normalisedFields(person: MetaPerson): Record<MetaKey, string> {
  const reading = new PersonReading(person);
  return Object.fromEntries(META_KEYS.map((key) => [key, FIELDS[key](reading)])) as Record<MetaKey, string>;
}

/** A person's traits and identifiers as the fields read them, the country and birth date read once. */
class PersonReading {
  private country?: { code: string | undefined };
  private born?: { date: BirthDate | undefined };

  constructor(readonly person: MetaPerson) {}

  trait(field: keyof typeof TRAIT_PATHS): string {
    return traitText(this.person.traits, TRAIT_PATHS[field]);
  }

  /** The first identifier of one of the types (a person with two emails is sent with the first). */
  identifier(types: readonly string[]): string | undefined {
    return this.person.identifiers.find((identifier) => types.includes(identifier.type))?.value;
  }

  /** The alpha-2 country the phone, state and ZIP are read in. */
  countryCode(): string | undefined {
    this.country ??= { code: countryCode(this.trait('country')) };
    return this.country.code;
  }

  birthDate(): BirthDate | undefined {
    this.born ??= { date: birthDate(this.trait('birthday')) };
    return this.born.date;
  }
}

const FIELDS: Readonly<Record<MetaKey, (person: PersonReading) => string>> = {
  EMAIL: (person) => normaliseEmail(person.identifier(['email']) ?? person.trait('email')),
  PHONE: (person) =>
    normalisePhone(person.identifier(['phone']) ?? person.trait('phone'), person.countryCode()),
  FN: (person) => normaliseName(person.trait('firstName')),
  LN: (person) => normaliseName(person.trait('lastName')),
  CT: (person) => normaliseCity(person.trait('city')),
  ST: (person) => normaliseState(person.trait('state'), person.countryCode()),
  ZIP: (person) => normaliseZip(person.trait('postalCode'), person.countryCode()),
  COUNTRY: (person) => person.countryCode()?.toLowerCase() ?? '',
  GEN: (person) => normaliseGender(person.trait('gender')),
  DOBY: (person) => person.birthDate()?.year ?? '',
  DOBM: (person) => person.birthDate()?.month ?? '',
  DOBD: (person) => person.birthDate()?.day ?? '',
  EXTERN_ID: (person) => person.identifier(['user_id'])?.trim() ?? '',
  MADID: (person) => person.identifier(ADVERTISING_ID_TYPES)?.trim().toLowerCase() ?? '',
};

/** The first trait at `paths` that holds text or a number (a ZIP stored as 94303), as text. */
function traitText(traits: Readonly<Record<string, unknown>>, paths: readonly string[]): string {
  for (const path of paths) {
    const value = valueAtPath(traits, path);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return '';
}
