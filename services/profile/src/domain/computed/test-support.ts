import fc from 'fast-check';
import {
  COMPUTED_TRAIT_KINDS,
  type ComputedTraitDefinition,
  type ComputedTraitKind,
  type EventFilter,
  type TraitEvent,
} from './definition.js';

export const NOW = new Date('2024-06-30T12:00:00Z');
export const HOUR = 3_600_000;
export const daysAgo = (days: number, from = NOW) => new Date(from.getTime() - days * 24 * HOUR);

/** A definition of `kind` reading property `value`, all time, counting every event. */
export const define = (
  kind: ComputedTraitKind,
  changes: Partial<ComputedTraitDefinition> = {},
): ComputedTraitDefinition => ({
  key: kind,
  kind,
  property: kind === 'event_counter' ? '' : 'value',
  filter: { name: '', conditions: [] },
  windowDays: 0,
  ...changes,
});

export const event = (
  properties: Record<string, unknown>,
  timestamp = NOW,
  name = 'Order Completed',
): TraitEvent => ({
  type: 'track',
  name,
  properties,
  timestamp,
});

export const anyDefinition: fc.Arbitrary<ComputedTraitDefinition> = fc
  .record({
    kind: fc.constantFrom(...COMPUTED_TRAIT_KINDS),
    windowDays: fc.constantFrom(0, 1, 3, 30),
    filter: fc.constantFrom<EventFilter>(
      { name: '', conditions: [] },
      { name: 'Order Completed', conditions: [] },
      { name: '', conditions: [{ key: 'currency', operator: 'equals', value: 'EUR' }] },
    ),
  })
  .map(({ kind, ...rest }) => ({ ...define(kind), ...rest, key: 'trait' }));

/** Integers only: float sums may differ in the last bits by order of addition. */
export const anyValue = fc.oneof(
  fc.integer({ min: -50, max: 50 }),
  fc.integer({ min: 0, max: 20 }).map(String),
  fc.constantFrom('a', 'b', 'c', true, false, null),
  fc.record({ x: fc.integer({ min: 0, max: 3 }) }),
);

/** Few distinct times (84-hour steps over 42 days before `now`, at noon and midnight), so ties are common. */
export const anyEvent = (value: fc.Arbitrary<unknown> = anyValue, now = NOW): fc.Arbitrary<TraitEvent> =>
  fc.record({
    type: fc.constantFrom('track', 'page', 'identify'),
    name: fc.constantFrom('Order Completed', 'Product Viewed'),
    properties: fc.record({ value, currency: fc.constantFrom('EUR', 'USD') }, { requiredKeys: [] }),
    timestamp: fc.integer({ min: 0, max: 12 }).map((steps) => new Date(now.getTime() - steps * 84 * HOUR)),
  });
