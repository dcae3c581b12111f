import { COUNTRIES, placeOf } from './geography.js';
import { drawHistory, type PersonEvent } from './history.js';
import { drawIdentifiers, MAX_POPULATION, type PersonIdentifiers } from './identity.js';
import { Random } from './random.js';
import { PLANTED_SEGMENTS, plantedSegment, type SegmentId, type SegmentWeights } from './segments.js';
import { drawTraits, type PersonTraits } from './traits.js';

export interface Person {
  /** The person's `userId`. */
  id: string;
  /** The planted segment the person was drawn from: the ground truth. */
  segmentId: SegmentId;
  traits: PersonTraits;
  identifiers: PersonIdentifiers;
  /** Oldest first. */
  events: PersonEvent[];
}

export interface PopulationOptions {
  /** Unsigned 32-bit integer; the same seed and options give the same people. */
  seed: number;
  size: number;
  /** Events happen in the `historyDays` days up to here. */
  now: Date;
  historyDays?: number;
  segmentWeights?: SegmentWeights;
  /** Probability that a feature of a person comes from the background instead of their segment. */
  noiseRate?: number;
}

export const DEFAULT_HISTORY_DAYS = 90;
export const DEFAULT_NOISE_RATE = 0.12;

const EQUAL_WEIGHTS: SegmentWeights = Object.fromEntries(PLANTED_SEGMENTS.map((segment) => [segment.id, 1]));

/**
 * The people of a seeded population, one at a time, so a million of them never sit in memory
 * together. Options are checked on the call, not on the first person.
 */
export function generatePopulation(options: PopulationOptions): Generator<Person, void, undefined> {
  const { seed, size, now } = options;
  const historyDays = options.historyDays ?? DEFAULT_HISTORY_DAYS;
  const noiseRate = options.noiseRate ?? DEFAULT_NOISE_RATE;
  const weights = options.segmentWeights ?? EQUAL_WEIGHTS;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an unsigned 32-bit integer, got ${seed}`);
  }
  if (!Number.isInteger(size) || size < 0 || size > MAX_POPULATION) {
    throw new RangeError(`size must be an integer in [0, ${MAX_POPULATION}], got ${size}`);
  }
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid date');
  if (!Number.isInteger(historyDays) || historyDays < 1) {
    throw new RangeError(`historyDays must be a positive integer, got ${historyDays}`);
  }
  if (!(noiseRate >= 0 && noiseRate <= 1))
    throw new RangeError(`noiseRate must be in [0, 1], got ${noiseRate}`);
  checkWeights(weights);
  return people(new Random(seed), { seed, size, now, historyDays, noiseRate, weights });
}

interface Settings {
  seed: number;
  size: number;
  now: Date;
  historyDays: number;
  noiseRate: number;
  weights: SegmentWeights;
}

function* people(random: Random, settings: Settings): Generator<Person, void, undefined> {
  const { seed, size, now, historyDays, noiseRate, weights } = settings;
  for (let index = 0; index < size; index++) {
    const segmentId = random.weightedPick(weights);
    const profile = plantedSegment(segmentId);
    const traits = drawTraits(random, profile, noiseRate);
    const identifiers = drawIdentifiers(random, index, seed, traits);
    const shopper = {
      profile,
      noiseRate,
      currency: COUNTRIES[traits.country].currency,
      utcOffset: placeOf(traits.city).utcOffset,
    };
    const events = drawHistory(random, shopper, { now, historyDays });
    yield { id: identifiers.userId, segmentId, traits, identifiers, events };
  }
}

function checkWeights(weights: SegmentWeights): void {
  let total = 0;
  for (const [id, weight] of Object.entries<number | undefined>(weights)) {
    plantedSegment(id);
    if (weight === undefined || !Number.isFinite(weight) || weight < 0) {
      throw new RangeError(`weight of ${id} must be a finite non-negative number, got ${weight}`);
    }
    total += weight;
  }
  if (total <= 0) throw new RangeError('segment weights must not all be zero');
}
