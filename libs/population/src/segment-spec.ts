import { drawCompany } from './firmographics.js';
import type { Person } from './population.js';
import { Random } from './random.js';

type JsonObject = Record<string, unknown>;

export interface SegmentSpecOptions {
  /** The day ages are counted at: a birthday makes the person their `age` then. */
  now: Date;
}

/** Share of people whose address is unknown, and of known addresses without a state. */
export const ADDRESS_MISSING_RATES = { address: 0.03, state: 0.1 } as const;

const DAY_MS = 86_400_000;
/** Accounts are this many days older than the person's first event, on average. */
const MEAN_ACCOUNT_AGE_DAYS = 400;
const STREETS = ['Station Road', 'Market Street', 'Church Lane', 'Park Avenue', 'Mill Road', 'Harbour Way'];
/** A year without 29 February: birthdays are drawn as its month and day. */
const COMMON_YEAR = 2001;

/**
 * A person's traits as an app sends them with Segment's SDKs
 * (`analytics.identify({ userId, traits })`): Segment's reserved traits where the spec has one
 * — `firstName`, `lastName`, `name`, `email`, `phone`, `gender`, `title`, `birthday`, `createdAt`,
 * and the nested `address` (street, city, state, postalCode, country) and `company` (name,
 * industry, employee_count, plan) — and the rest as custom traits. Dates are ISO 8601 strings, as
 * the SDKs serialise a `Date`. What is unknown is left out, not sent empty.
 *
 * The extra details (street, birthday within the year, employer, account date) are drawn from a
 * generator seeded by the person's id: the population's own draws are untouched, so its people
 * and their planted segments stay what `generatePopulation` gives.
 */
export function segmentSpecTraitsOf(person: Person, options: SegmentSpecOptions): JsonObject {
  const random = new Random(hashOf(person.id));
  const { traits } = person;
  const { email, phone } = person.identifiers;
  const { age, occupation, country, region, city, ...custom } = traits;
  const address = random.chance(ADDRESS_MISSING_RATES.address)
    ? undefined
    : {
        street: `${random.int(1, 240)} ${random.pick(STREETS)}`,
        city,
        ...(random.chance(ADDRESS_MISSING_RATES.state) ? {} : { state: region }),
        postalCode: String(random.int(10_000, 99_999)),
        country,
      };
  const company = drawCompany(random, occupation);
  const firstEvent = person.events[0]?.timestamp.getTime() ?? options.now.getTime();
  const createdAt = firstEvent - Math.round(random.exponential(MEAN_ACCOUNT_AGE_DAYS * DAY_MS));
  return {
    ...custom,
    name: `${traits.firstName} ${traits.lastName}`,
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
    title: occupation,
    ...(age === undefined ? {} : { birthday: birthdayAt(age, options.now, random) }),
    ...(address === undefined ? {} : { address }),
    ...(company === undefined ? {} : { company }),
    createdAt: new Date(createdAt).toISOString(),
  };
}

/** A birthday, at midnight UTC, that makes the person `age` on `now`'s UTC date. */
function birthdayAt(age: number, now: Date, random: Random): string {
  const day = new Date(Date.UTC(COMMON_YEAR, 0, 1) + random.int(0, 364) * DAY_MS);
  const [month, date] = [day.getUTCMonth(), day.getUTCDate()];
  const notYet = month > now.getUTCMonth() || (month === now.getUTCMonth() && date > now.getUTCDate());
  const birthday = new Date(0);
  birthday.setUTCFullYear(now.getUTCFullYear() - age - (notYet ? 1 : 0), month, date);
  return birthday.toISOString();
}

/** FNV-1a of the id: a seed of its own for each person. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
