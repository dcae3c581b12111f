import { fromEur, toEur } from './geography.js';
import type { Random } from './random.js';
import { noisyProfile, type Profile } from './segments.js';
import {
  categorySlug,
  PAGES,
  type PageName,
  PRICE_TIERS,
  PRODUCT_CATEGORIES,
  type PriceTier,
  type ProductCategory,
} from './vocabulary.js';

export interface Product {
  productId: string;
  name: string;
  category: ProductCategory;
  /** In the person's currency. */
  price: number;
}

export interface OrderLine {
  product: Product;
  quantity: number;
}

/** Something a person did, named as in Segment's e-commerce and B2C specs. */
export type PersonEvent =
  | { name: 'Page Viewed'; timestamp: Date; page: PageName; category?: ProductCategory }
  | { name: 'Signed In'; timestamp: Date }
  | { name: 'Product Viewed'; timestamp: Date; product: Product; currency: string }
  | { name: 'Product Added'; timestamp: Date; product: Product; quantity: number; currency: string }
  | {
      name: 'Order Completed';
      timestamp: Date;
      orderId: string;
      products: OrderLine[];
      /** After the discount. */
      total: number;
      discount: number;
      coupon?: string;
      currency: string;
    };
export type EventName = PersonEvent['name'];

export interface HistoryWindow {
  now: Date;
  historyDays: number;
}

/** Where and how the person shops, beside their profile. */
export interface Shopper {
  profile: Profile;
  noiseRate: number;
  currency: string;
  utcOffset: number;
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
/** Sessions take well under this, so one starting this long before the window's end ends in it. */
const SESSION_ROOM = HOUR;
/** Shortest break between two visits of one person. */
const BETWEEN_VISITS = 30 * 60 * SECOND;
/** Share of people who became customers during the window rather than before it. */
const NEWCOMER_RATE = 0.15;
/** Spread of how much more or less than their segment's average a person visits. */
const ACTIVITY_SPREAD = 0.35;
/** Visits after the first that start with signing in again (new device, expired session). */
const SIGN_IN_AGAIN_RATE = 0.3;
const ABANDONED_CART_RATE = 0.2;
const COUPONS = { SAVE10: 0.1, FAMILY15: 0.15, WELCOME20: 0.2 } as const;
/** Items below this price (EUR) are often bought several at a time. */
const MULTIPACK_PRICE_EUR = 30;

/** The person's own shopping habits, drawn once from their noisy profile. */
interface Habits {
  /** Share of visits that end with an order. */
  conversion: number;
  itemsPerOrder: readonly [number, number];
  priceTier: PriceTier;
  couponRate: number;
  /** Each product looked at is of the person's categories, or noise. */
  nextCategory: () => ProductCategory;
}

/**
 * The person's visits within the window, oldest first. How often they come, buy, how much and
 * when follow their profile, each habit independently noisy; the first visit signs them in.
 */
export function drawHistory(random: Random, shopper: Shopper, window: HistoryWindow): PersonEvent[] {
  const source = noisyProfile(random, shopper.profile, shopper.noiseRate);
  const windowStart = window.now.getTime() - window.historyDays * DAY;
  const lastVisitAgo = Math.min(random.exponential(source().behaviour.recencyDays), window.historyDays - 1);
  const end = window.now.getTime() - lastVisitAgo * DAY;
  const start = random.chance(NEWCOMER_RATE) ? random.between(windowStart, end - DAY) : windowStart;

  const frequency = source().behaviour;
  const activity = Math.exp(random.normal(0, ACTIVITY_SPREAD));
  const visitsExpected = (frequency.sessionsPer30Days * activity * (end - start)) / (30 * DAY);
  const habits: Habits = {
    conversion: Math.min(0.9, frequency.ordersPer30Days / frequency.sessionsPer30Days),
    itemsPerOrder: source().behaviour.itemsPerOrder,
    priceTier: random.weightedPick(source().behaviour.priceTiers),
    couponRate: source().behaviour.couponRate,
    nextCategory: () => random.pick(source().behaviour.categories),
  };

  const starts: number[] = [];
  for (let count = Math.max(1, random.poisson(visitsExpected)); count > 0; count--) {
    const hour = random.pick(source().behaviour.activeHours);
    starts.push(sessionStart(random, start, end - SESSION_ROOM, hour, shopper.utcOffset));
  }
  starts.sort((a, b) => a - b);
  const events: PersonEvent[] = [];
  for (const planned of starts) {
    // A person is in one session at a time: a visit planned during the previous one waits for it.
    const previousEnd = events.at(-1)?.timestamp.getTime();
    const at = previousEnd === undefined ? planned : Math.max(planned, previousEnd + BETWEEN_VISITS);
    if (at > end - SESSION_ROOM) break;
    const signsIn = previousEnd === undefined || random.chance(SIGN_IN_AGAIN_RATE);
    visit(random, { at, signsIn, habits, currency: shopper.currency }, events);
  }
  return events;
}

interface Visit {
  at: number;
  signsIn: boolean;
  habits: Habits;
  currency: string;
}

/** Appends one session: landing, maybe signing in, looking at products, maybe a cart and an order. */
function visit(random: Random, { at, signsIn, habits, currency }: Visit, events: PersonEvent[]): void {
  let clock = at;
  const next = () => {
    clock += random.int(15, 150) * SECOND;
    return new Date(clock);
  };
  const converts = random.chance(habits.conversion);
  const itemCount = random.int(...habits.itemsPerOrder);
  const viewed: Product[] = [];
  for (let count = converts ? itemCount + random.int(0, 2) : random.int(0, 3); count > 0; count--) {
    viewed.push(product(random, habits.nextCategory(), habits.priceTier, currency));
  }
  const basketSize = converts ? itemCount : random.chance(ABANDONED_CART_RATE) ? 1 : 0;
  const lines = viewed
    .slice(0, basketSize)
    .map((item): OrderLine => ({ product: item, quantity: quantityOf(random, item, currency) }));

  events.push(landing(random, at, habits.couponRate, viewed[0]?.category));
  if (signsIn) events.push({ name: 'Signed In', timestamp: next() });
  for (const item of viewed) {
    events.push({ name: 'Product Viewed', timestamp: next(), product: item, currency });
  }
  for (const { product, quantity } of lines) {
    events.push({ name: 'Product Added', timestamp: next(), product, quantity, currency });
  }
  if (converts) events.push(order(random, next(), lines, habits.couponRate, currency));
}

/** A time at the given local hour on a random day of [from, to], or any time there if it falls outside. */
function sessionStart(random: Random, from: number, to: number, hour: number, utcOffset: number): number {
  const anyTime = random.between(from, to);
  const offset = utcOffset * HOUR;
  const localMidnight = Math.floor((anyTime + offset) / DAY) * DAY - offset;
  const atHour = localMidnight + hour * HOUR + random.between(0, HOUR);
  return atHour >= from && atHour <= to ? atHour : anyTime;
}

const BROWSING_PAGES = PAGES.filter((page) => page !== 'Deals');

/** Coupon users arrive through the deals page; browsing shoppers through the category they look at. */
function landing(
  random: Random,
  at: number,
  couponRate: number,
  category: ProductCategory | undefined,
): PersonEvent {
  const timestamp = new Date(at);
  if (random.chance(couponRate)) return { name: 'Page Viewed', timestamp, page: 'Deals' };
  const page = random.pick(BROWSING_PAGES);
  if (page !== 'Category' || category === undefined) return { name: 'Page Viewed', timestamp, page };
  return { name: 'Page Viewed', timestamp, page, category };
}

const CATEGORIES = Object.keys(PRODUCT_CATEGORIES) as ProductCategory[];
const TIERS = Object.keys(PRICE_TIERS) as PriceTier[];
const VARIANTS = 12;

/**
 * Products are shared between events and people: there are only so many in the shop. Indexed
 * by number, because building and hashing a string key per product view dominated the run time.
 */
const catalogues = new Map<string, Product[]>();

function productOf(category: ProductCategory, tier: PriceTier, variant: number, currency: string): Product {
  const priceEur = PRODUCT_CATEGORIES[category] * PRICE_TIERS[tier] * (0.76 + 0.04 * variant);
  return {
    productId: `${categorySlug(category)}-${tier}-${variant}`,
    name: `${tier[0]?.toUpperCase()}${tier.slice(1)} ${category} no. ${variant}`,
    category,
    price: localPrice(priceEur, currency),
  };
}

function catalogueOf(currency: string): Product[] {
  let catalogue = catalogues.get(currency);
  if (catalogue === undefined) {
    catalogue = CATEGORIES.flatMap((category) =>
      TIERS.flatMap((tier) =>
        Array.from({ length: VARIANTS }, (_, index) => productOf(category, tier, index + 1, currency)),
      ),
    );
    catalogues.set(currency, catalogue);
  }
  return catalogue;
}

function product(random: Random, category: ProductCategory, tier: PriceTier, currency: string): Product {
  const index = (CATEGORIES.indexOf(category) * TIERS.length + TIERS.indexOf(tier)) * VARIANTS;
  const found = catalogueOf(currency)[index + random.int(0, VARIANTS - 1)];
  if (found === undefined) throw new RangeError(`no product of ${category} (${tier})`);
  return found;
}

/** Shops price in round amounts ending in .99. */
function localPrice(priceEur: number, currency: string): number {
  return Math.max(1, Math.round(fromEur(priceEur, currency))) - 0.01;
}

function quantityOf(random: Random, item: Product, currency: string): number {
  return toEur(item.price, currency) < MULTIPACK_PRICE_EUR ? random.int(1, 3) : 1;
}

function order(
  random: Random,
  timestamp: Date,
  lines: OrderLine[],
  couponRate: number,
  currency: string,
): PersonEvent {
  const subtotal = lines.reduce((sum, line) => sum + line.product.price * line.quantity, 0);
  const coupon = random.chance(couponRate)
    ? random.pick(Object.keys(COUPONS) as (keyof typeof COUPONS)[])
    : undefined;
  const discount = coupon === undefined ? 0 : cents(subtotal * COUPONS[coupon]);
  return {
    name: 'Order Completed',
    timestamp,
    orderId: random.uuid(),
    products: lines,
    currency,
    total: cents(subtotal - discount),
    discount,
    ...(coupon === undefined ? {} : { coupon }),
  };
}

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
