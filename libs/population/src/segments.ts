import { COUNTRIES, type CountryCode } from './geography.js';
import type { Random, Weights } from './random.js';
import {
  CLIMATE_ZONES,
  type ClimateZone,
  type Gender,
  INTERESTS,
  type IncomeBand,
  type Interest,
  OCCUPATIONS,
  type Occupation,
  PERSONAL_VALUES,
  type PersonalValue,
  PRODUCT_CATEGORIES,
  type PriceTier,
  type ProductCategory,
  type Settlement,
} from './vocabulary.js';

/** Who a group of people are: each person's features are drawn from these. */
export interface ProfileTraits {
  /** Inclusive; drawn uniformly. */
  age: readonly [number, number];
  genders: Weights<Gender>;
  incomeBands: Weights<IncomeBand>;
  occupations: readonly Occupation[];
  countries: readonly CountryCode[];
  /** Narrows the places of `countries` to these climates. */
  climateZones: readonly ClimateZone[];
  settlements: Weights<Settlement>;
  /** A person takes two or three of them. */
  interests: readonly Interest[];
  /** A person takes one or two of them. */
  values: readonly PersonalValue[];
}

/** How a group of people shop. */
export interface ShoppingBehaviour {
  /** Visit frequency of an average member. */
  sessionsPer30Days: number;
  /** Order frequency of an average member; each visit converts with the ratio of the two. */
  ordersPer30Days: number;
  itemsPerOrder: readonly [number, number];
  priceTiers: Weights<PriceTier>;
  /** Share of orders paid with a coupon. */
  couponRate: number;
  /** Mean days since the last visit. */
  recencyDays: number;
  /** Local hours at which visits start. */
  activeHours: readonly number[];
  categories: readonly ProductCategory[];
}

export interface Profile {
  traits: ProfileTraits;
  behaviour: ShoppingBehaviour;
}

export interface PlantedSegment extends Profile {
  id: string;
  name: string;
}

export const PLANTED_SEGMENTS = [
  {
    id: 'urban-runners',
    name: 'Urban young runners in Northern and Western Europe',
    traits: {
      age: [25, 38],
      genders: { female: 48, male: 48, non_binary: 4 },
      incomeBands: { '50-75k': 3, '75-100k': 2 },
      occupations: ['designer', 'marketing specialist', 'consultant', 'physiotherapist', 'nurse'],
      countries: ['DE', 'NL', 'BE', 'DK', 'SE', 'NO', 'FI'],
      climateZones: ['temperate', 'nordic'],
      settlements: { urban: 9, suburban: 1 },
      interests: ['running', 'fitness tracking', 'cycling', 'yoga', 'hiking'],
      values: ['health', 'sustainability', 'adventure'],
    },
    behaviour: {
      sessionsPer30Days: 9,
      ordersPer30Days: 1.5,
      itemsPerOrder: [1, 2],
      priceTiers: { budget: 1, standard: 6, premium: 3 },
      couponRate: 0.1,
      recencyDays: 3,
      activeHours: [6, 7, 8, 19, 20, 21],
      categories: ['running shoes', 'sportswear', 'fitness trackers', 'nutrition'],
    },
  },
  {
    id: 'sunny-retirees',
    name: 'Affluent retirees in sunny regions who travel and dine',
    traits: {
      age: [62, 78],
      genders: { female: 52, male: 47, non_binary: 1 },
      incomeBands: { '100-150k': 3, '>150k': 2 },
      occupations: ['retired'],
      countries: ['ES', 'PT', 'IT', 'GR'],
      climateZones: ['mediterranean', 'arid', 'tropical'],
      settlements: { suburban: 5, rural: 4, urban: 1 },
      interests: ['travel', 'gourmet', 'wine', 'golf', 'cruises'],
      values: ['quality', 'status', 'tradition'],
    },
    behaviour: {
      sessionsPer30Days: 3,
      ordersPer30Days: 0.6,
      itemsPerOrder: [1, 3],
      priceTiers: { budget: 1, standard: 9, premium: 10 },
      couponRate: 0.05,
      recencyDays: 14,
      activeHours: [9, 10, 11, 12],
      categories: ['travel', 'gourmet food', 'wine', 'home decor'],
    },
  },
  {
    id: 'budget-families',
    name: 'Budget-conscious suburban families',
    traits: {
      age: [30, 45],
      genders: { female: 62, male: 36, non_binary: 2 },
      incomeBands: { '25-50k': 3, '50-75k': 2 },
      occupations: ['teacher', 'retail worker', 'tradesperson', 'administrative assistant', 'homemaker'],
      countries: ['GB', 'IE', 'FR', 'AU'],
      climateZones: ['temperate'],
      settlements: { suburban: 8, rural: 1, urban: 1 },
      interests: ['parenting', 'home improvement', 'gardening', 'discount hunting', 'cooking'],
      values: ['price', 'family', 'safety'],
    },
    behaviour: {
      sessionsPer30Days: 12,
      ordersPer30Days: 4,
      itemsPerOrder: [2, 6],
      priceTiers: { budget: 12, standard: 7, premium: 1 },
      couponRate: 0.6,
      recencyDays: 2,
      activeHours: [12, 13, 20, 21, 22],
      categories: ['kids', 'groceries', 'home & garden', 'toys'],
    },
  },
  {
    id: 'tech-professionals',
    name: 'Tech professionals in North America buying gadgets',
    traits: {
      age: [27, 45],
      genders: { female: 33, male: 64, non_binary: 3 },
      incomeBands: { '100-150k': 3, '>150k': 2 },
      occupations: ['software engineer', 'product manager', 'data scientist'],
      countries: ['US', 'CA'],
      climateZones: [...CLIMATE_ZONES],
      settlements: { urban: 8, suburban: 2 },
      interests: ['tech gadgets', 'gaming', 'smart home', 'investing', 'photography'],
      values: ['innovation', 'convenience'],
    },
    behaviour: {
      sessionsPer30Days: 7,
      ordersPer30Days: 1,
      itemsPerOrder: [1, 2],
      priceTiers: { budget: 1, standard: 7, premium: 12 },
      couponRate: 0.05,
      recencyDays: 5,
      activeHours: [12, 13, 21, 22, 23],
      categories: ['electronics', 'gaming', 'smart home'],
    },
  },
] as const satisfies readonly PlantedSegment[];

export type SegmentId = (typeof PLANTED_SEGMENTS)[number]['id'];

/**
 * Everyone else: noise replaces a planted feature by a draw from here, and a person's extra
 * interests come from here, so planted traits also occur, rarely, outside their segment.
 */
export const BACKGROUND: Profile = {
  traits: {
    age: [18, 82],
    genders: { female: 49, male: 48, non_binary: 3 },
    incomeBands: { '<25k': 15, '25-50k': 27, '50-75k': 22, '75-100k': 15, '100-150k': 13, '>150k': 8 },
    // Retirement follows from age (see traits.ts), not from a draw.
    occupations: OCCUPATIONS.filter((occupation) => occupation !== 'retired'),
    countries: Object.keys(COUNTRIES) as CountryCode[],
    climateZones: CLIMATE_ZONES,
    settlements: { urban: 50, suburban: 35, rural: 15 },
    interests: INTERESTS,
    values: PERSONAL_VALUES,
  },
  behaviour: {
    sessionsPer30Days: 5,
    ordersPer30Days: 0.8,
    itemsPerOrder: [1, 3],
    priceTiers: { budget: 3, standard: 5, premium: 2 },
    couponRate: 0.2,
    recencyDays: 10,
    activeHours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22],
    categories: Object.keys(PRODUCT_CATEGORIES) as ProductCategory[],
  },
};

/** Shares of the planted segments; unlisted segments get none. Defaults to equal shares. */
export type SegmentWeights = Weights<SegmentId>;

export function plantedSegment(id: string): PlantedSegment {
  const segment = PLANTED_SEGMENTS.find((candidate) => candidate.id === id);
  if (segment === undefined) throw new RangeError(`unknown planted segment ${id}`);
  return segment;
}

/**
 * A person's source of draws: each call answers their planted profile, or the background with
 * probability `noiseRate`, so every feature is noisy on its own.
 */
export function noisyProfile(random: Random, profile: Profile, noiseRate: number): () => Profile {
  return () => (random.chance(noiseRate) ? BACKGROUND : profile);
}
