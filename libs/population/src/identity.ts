import { COUNTRIES } from './geography.js';
import type { Random } from './random.js';
import { MISSING_RATES, type PersonTraits } from './traits.js';

/** How a person is known to the tracking: Segment's `userId`, `anonymousId`, email and phone. */
export interface PersonIdentifiers {
  userId: string;
  /** The device id of the visits before the person first signed in. */
  anonymousId: string;
  email?: string;
  phone?: string;
}

const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];

/**
 * Emails and phones must not repeat within a population, or identity resolution would merge
 * people. Multiplying by a number coprime with 10^8 permutes 0…10^8−1, so distinct indexes get
 * distinct, unordered-looking numbers; the product stays below 2^53.
 */
export const MAX_POPULATION = 100_000_000;
const SCRAMBLE = 7_654_321;

function uniqueNumber(index: number, seed: number): number {
  return (index * SCRAMBLE + seed) % MAX_POPULATION;
}

export function drawIdentifiers(
  random: Random,
  index: number,
  seed: number,
  traits: PersonTraits,
): PersonIdentifiers {
  const number = uniqueNumber(index, seed);
  const localPart = `${traits.firstName}.${traits.lastName}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase();
  const email = `${localPart}.${number.toString(36)}@${random.pick(EMAIL_DOMAINS)}`;
  const phone = `+${COUNTRIES[traits.country].callingCode}7${String(number).padStart(8, '0')}`;
  return {
    userId: `usr_${seed.toString(36)}_${index.toString(36)}`,
    anonymousId: random.uuid(),
    ...(random.chance(MISSING_RATES.email) ? {} : { email }),
    ...(random.chance(MISSING_RATES.phone) ? {} : { phone }),
  };
}
