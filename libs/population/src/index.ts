export {
  COUNTRIES,
  type Country,
  type CountryCode,
  CURRENCY_PER_EUR,
  fromEur,
  PLACES,
  type Place,
  placeOf,
  toEur,
} from './geography.js';
export { adjustedRandIndex, groundTruth } from './ground-truth.js';
export type { EventName, OrderLine, PersonEvent, Product } from './history.js';
export type { PersonIdentifiers } from './identity.js';
export { type MessageOptions, messagesOf, type SegmentMessage } from './messages.js';
export type { PersonName } from './names.js';
export {
  DEFAULT_HISTORY_DAYS,
  DEFAULT_NOISE_RATE,
  generatePopulation,
  type Person,
  type PopulationOptions,
} from './population.js';
export { Random, type Weights } from './random.js';
export {
  BACKGROUND,
  PLANTED_SEGMENTS,
  type PlantedSegment,
  type Profile,
  type ProfileTraits,
  plantedSegment,
  type SegmentId,
  type SegmentWeights,
  type ShoppingBehaviour,
} from './segments.js';
export { MISSING_RATES, type PersonTraits } from './traits.js';
export * from './vocabulary.js';
