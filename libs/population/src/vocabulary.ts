/**
 * The value vocabularies of a person's features. Clustering and segment descriptions key on
 * these exact strings, so they are part of the package's contract.
 */
export const GENDERS = ['female', 'male', 'non_binary'] as const;
export type Gender = (typeof GENDERS)[number];

export const INCOME_BANDS = ['<25k', '25-50k', '50-75k', '75-100k', '100-150k', '>150k'] as const;
export type IncomeBand = (typeof INCOME_BANDS)[number];

export const SETTLEMENTS = ['urban', 'suburban', 'rural'] as const;
export type Settlement = (typeof SETTLEMENTS)[number];

export const CLIMATE_ZONES = [
  'temperate',
  'mediterranean',
  'tropical',
  'continental',
  'nordic',
  'arid',
] as const;
export type ClimateZone = (typeof CLIMATE_ZONES)[number];

export const OCCUPATIONS = [
  'software engineer',
  'product manager',
  'data scientist',
  'designer',
  'marketing specialist',
  'consultant',
  'physiotherapist',
  'nurse',
  'teacher',
  'retail worker',
  'tradesperson',
  'administrative assistant',
  'homemaker',
  'civil servant',
  'lawyer',
  'doctor',
  'sales representative',
  'student',
  'retired',
] as const;
export type Occupation = (typeof OCCUPATIONS)[number];

export const INTERESTS = [
  'running',
  'fitness tracking',
  'cycling',
  'yoga',
  'hiking',
  'travel',
  'gourmet',
  'wine',
  'golf',
  'cruises',
  'parenting',
  'home improvement',
  'gardening',
  'cooking',
  'discount hunting',
  'tech gadgets',
  'gaming',
  'smart home',
  'investing',
  'photography',
  'fashion',
  'beauty',
  'sustainability',
  'music',
  'movies',
  'reading',
  'pets',
  'crafts',
] as const;
export type Interest = (typeof INTERESTS)[number];

/** What a person weighs when choosing; named `values` in traits, as marketers say it. */
export const PERSONAL_VALUES = [
  'sustainability',
  'status',
  'convenience',
  'price',
  'health',
  'family',
  'adventure',
  'quality',
  'innovation',
  'tradition',
  'safety',
] as const;
export type PersonalValue = (typeof PERSONAL_VALUES)[number];

/** Median price in EUR of a standard product of each category. */
export const PRODUCT_CATEGORIES = {
  'running shoes': 120,
  sportswear: 45,
  'fitness trackers': 180,
  nutrition: 25,
  travel: 650,
  'gourmet food': 60,
  wine: 35,
  'home decor': 90,
  kids: 22,
  groceries: 14,
  'home & garden': 30,
  toys: 18,
  electronics: 420,
  gaming: 65,
  'smart home': 120,
  books: 15,
  beauty: 28,
  fashion: 55,
  'pet supplies': 24,
} as const;
export type ProductCategory = keyof typeof PRODUCT_CATEGORIES;

const CATEGORY_SLUGS = new Map(
  Object.keys(PRODUCT_CATEGORIES).map((category) => [category, category.replace(/\W+/g, '-')]),
);

/** The category as it appears in URLs and product ids, e.g. `home-garden`. */
export function categorySlug(category: ProductCategory): string {
  return CATEGORY_SLUGS.get(category) ?? category;
}

/** Budget, standard and premium variants of a product differ in price by these factors. */
export const PRICE_TIERS = { budget: 0.6, standard: 1, premium: 1.7 } as const;
export type PriceTier = keyof typeof PRICE_TIERS;

export const PAGES = ['Home', 'Category', 'Search', 'Deals', 'Blog'] as const;
export type PageName = (typeof PAGES)[number];
