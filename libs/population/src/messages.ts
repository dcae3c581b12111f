import { COUNTRIES } from './geography.js';
import type { OrderLine, PersonEvent, Product } from './history.js';
import type { Person } from './population.js';
import { segmentSpecTraitsOf } from './segment-spec.js';
import { categorySlug, type PageName, type ProductCategory } from './vocabulary.js';

type JsonObject = Record<string, unknown>;

/** A message of Segment's tracking spec as JSON, for `/v1/batch` or the gRPC `Ingest`. */
export interface SegmentMessage {
  type: 'identify' | 'track' | 'page';
  messageId: string;
  /** Absent before the person first signs in. */
  userId?: string;
  anonymousId: string;
  /** track: the event name. */
  event?: string;
  /** page: the page name. */
  name?: string;
  /** identify: the person's traits. */
  traits?: JsonObject;
  properties?: JsonObject;
  context: JsonObject;
  /** ISO 8601. */
  timestamp: string;
  sentAt: string;
}

export interface MessageOptions {
  /**
   * When the messages are sent; becomes `sentAt`. Receivers correct timestamps by the gap between
   * `sentAt` and their clock, so a population generated for an earlier `now` lands as if recent.
   */
  now: Date;
  /**
   * How `identify` carries the person's traits: `flat` (default) as the population holds them,
   * `segment-spec` as Segment's SDKs send them (`segmentSpecTraitsOf`: reserved traits, nested
   * `address` and `company`, `birthday` instead of an age).
   */
  traits?: 'flat' | 'segment-spec';
}

const LIBRARY = { name: '@prism/population', version: '1.0.0' };
const SHOP_URL = 'https://shop.example.com';

/**
 * The person's history as Segment would have received it: the visit before the first sign-in is
 * anonymous, `identify` comes with the sign-in, and later messages carry both ids.
 */
export function messagesOf(person: Person, options: MessageOptions): SegmentMessage[] {
  const { userId, anonymousId, email } = person.identifiers;
  const sentAt = options.now.toISOString();
  const locale = COUNTRIES[person.traits.country].locale;
  const firstSignIn = person.events.find((event) => event.name === 'Signed In')?.timestamp.getTime();
  const messages: SegmentMessage[] = [];

  person.events.forEach((event, index) => {
    const identified = firstSignIn !== undefined && event.timestamp.getTime() >= firstSignIn;
    const common = {
      messageId: `${person.id}-${index}`,
      ...(identified ? { userId } : {}),
      anonymousId,
      context: {
        library: LIBRARY,
        locale,
        ...(identified && email !== undefined ? { traits: { email } } : {}),
      },
      timestamp: event.timestamp.toISOString(),
      sentAt,
    };
    if (event.name === 'Signed In' && event.timestamp.getTime() === firstSignIn) {
      messages.push({
        ...common,
        type: 'identify',
        messageId: `${person.id}-identify`,
        traits: options.traits === 'segment-spec' ? segmentSpecTraitsOf(person, options) : traitsOf(person),
      });
    }
    messages.push(
      event.name === 'Page Viewed'
        ? {
            ...common,
            type: 'page',
            name: event.page,
            properties: pageProperties(event.page, event.category),
          }
        : { ...common, type: 'track', event: event.name, properties: trackProperties(event) },
    );
  });
  return messages;
}

function traitsOf(person: Person): JsonObject {
  const { email, phone } = person.identifiers;
  return {
    ...person.traits,
    ...(email === undefined ? {} : { email }),
    ...(phone === undefined ? {} : { phone }),
  };
}

function pageProperties(page: PageName, category: ProductCategory | undefined): JsonObject {
  const paths: Record<PageName, string> = {
    Home: '/',
    Category: `/c/${category === undefined ? 'all' : categorySlug(category)}`,
    Search: '/search',
    Deals: '/deals',
    Blog: '/blog',
  };
  const path = paths[page];
  return { path, url: `${SHOP_URL}${path}`, title: page, ...(category === undefined ? {} : { category }) };
}

function trackProperties(event: Exclude<PersonEvent, { name: 'Page Viewed' }>): JsonObject {
  switch (event.name) {
    case 'Signed In':
      return {};
    case 'Product Viewed':
      return { ...productProperties(event.product), currency: event.currency };
    case 'Product Added':
      return { ...productProperties(event.product), quantity: event.quantity, currency: event.currency };
    case 'Order Completed':
      return {
        order_id: event.orderId,
        total: event.total,
        revenue: event.total,
        discount: event.discount,
        ...(event.coupon === undefined ? {} : { coupon: event.coupon }),
        currency: event.currency,
        products: event.products.map(orderLineProperties),
      };
  }
}

function productProperties(product: Product): JsonObject {
  return {
    product_id: product.productId,
    sku: product.productId.toUpperCase(),
    name: product.name,
    category: product.category,
    price: product.price,
  };
}

function orderLineProperties(line: OrderLine): JsonObject {
  return { ...productProperties(line.product), quantity: line.quantity };
}
