import { type CountryCode, PLACES, type Place } from './geography.js';
import { drawName, type PersonName } from './names.js';
import type { Random } from './random.js';
import { BACKGROUND, noisyProfile, type Profile, type ProfileTraits } from './segments.js';
import type {
  ClimateZone,
  Gender,
  IncomeBand,
  Interest,
  Occupation,
  PersonalValue,
  Settlement,
} from './vocabulary.js';

/** The features of a person; optional ones are missing for some people, as in real data. */
export interface PersonTraits extends PersonName {
  age?: number;
  gender?: Gender;
  incomeBand?: IncomeBand;
  occupation: Occupation;
  country: CountryCode;
  region: string;
  city: string;
  climateZone: ClimateZone;
  settlement: Settlement;
  interests: Interest[];
  values: PersonalValue[];
}

/** Share of people for whom a trait or identifier is unknown. */
export const MISSING_RATES = { age: 0.03, gender: 0.04, incomeBand: 0.05, email: 0.04, phone: 0.1 } as const;

/** Mandatory retirement ages cluster around here; older people are retired whatever they were drawn as. */
const RETIREMENT_AGE = 67;

const placesByTraits = new WeakMap<ProfileTraits, readonly Place[]>();

function placesOf(traits: ProfileTraits): readonly Place[] {
  let places = placesByTraits.get(traits);
  if (places === undefined) {
    places = PLACES.filter(
      (place) => traits.countries.includes(place.country) && traits.climateZones.includes(place.climateZone),
    );
    if (places.length === 0) throw new RangeError('a profile has no place in its countries and climates');
    placesByTraits.set(traits, places);
  }
  return places;
}

/**
 * Draws a person of `profile`. Each feature independently comes from the background instead
 * with probability `noiseRate`, so members look like their segment on most features but
 * rarely on all of them. Geography is one feature, so city, country and climate agree.
 */
export function drawTraits(random: Random, profile: Profile, noiseRate: number): PersonTraits {
  const noisy = noisyProfile(random, profile, noiseRate);
  const source = (): ProfileTraits => noisy().traits;
  const age = random.int(...source().age);
  const drawnOccupation = random.pick(source().occupations);
  const place = random.pick(placesOf(source()));
  const gender = random.chance(MISSING_RATES.gender) ? undefined : random.weightedPick(source().genders);
  return {
    ...drawName(random, gender),
    ...(random.chance(MISSING_RATES.age) ? {} : { age }),
    ...(gender === undefined ? {} : { gender }),
    ...(random.chance(MISSING_RATES.incomeBand)
      ? {}
      : { incomeBand: random.weightedPick(source().incomeBands) }),
    occupation: age >= RETIREMENT_AGE ? 'retired' : drawnOccupation,
    country: place.country,
    region: place.region,
    city: place.city,
    climateZone: place.climateZone,
    settlement: random.weightedPick(source().settlements),
    interests: drawSome(
      () => random.pick(source().interests),
      random.int(2, 3),
      () => random.pick(BACKGROUND.traits.interests),
      random.int(0, 2),
    ),
    values: drawSome(
      () => random.pick(source().values),
      random.int(1, 2),
      () => random.pick(BACKGROUND.traits.values),
      random.chance(0.3) ? 1 : 0,
    ),
  };
}

/** A person's own kind of picks plus a few unrelated ones, without repeats. */
function drawSome<T>(own: () => T, ownCount: number, unrelated: () => T, unrelatedCount: number): T[] {
  const picked = new Set<T>();
  for (let i = 0; i < ownCount; i++) picked.add(own());
  for (let i = 0; i < unrelatedCount; i++) picked.add(unrelated());
  return [...picked];
}
