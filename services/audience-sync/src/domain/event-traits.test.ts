import type { EventCondition } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countFromTraits, eventCounterOf, eventTraitKey } from './event-traits.js';

const conditions: fc.Arbitrary<EventCondition> = fc.record({
  event: fc.constantFrom('Order Completed', 'Page Viewed'),
  where: fc.array(
    fc.record({
      key: fc.constantFrom('total', 'currency'),
      operator: fc.constantFrom('equals', 'greater_than' as const),
      value: fc.nat(100),
    }),
    { maxLength: 2 },
  ),
  countOperator: fc.constantFrom('equals', 'greater_or_equal', 'less_than' as const),
  count: fc.nat(5),
  withinDays: fc.constantFrom(0, 7, 30),
});

const bigOrders: EventCondition = {
  event: 'Order Completed',
  where: [{ key: 'total', operator: 'greater_than', value: 50 }],
  countOperator: 'greater_or_equal',
  count: 3,
  withinDays: 30,
};

describe('an event condition as a computed trait', () => {
  it('shares one trait between conditions counting the same events, whatever count they compare with', () => {
    fc.assert(
      fc.property(conditions, conditions, (condition, other) => {
        const sameEvents = {
          ...other,
          event: condition.event,
          where: condition.where,
          withinDays: condition.withinDays,
        };
        expect(eventTraitKey(sameEvents)).toBe(eventTraitKey(condition));
        expect(eventTraitKey(condition)).toMatch(/^aud_events_[0-9a-f]{16}$/);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps apart conditions that count other events, with another filter or window', () => {
    const keys = [
      bigOrders,
      { ...bigOrders, event: 'Order Refunded' },
      { ...bigOrders, where: [] },
      { ...bigOrders, where: [{ key: 'total', operator: 'greater_than' as const, value: 60 }] },
      { ...bigOrders, withinDays: 0 },
    ].map(eventTraitKey);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('asks the profile service to count the events by name, filter and window under that key', () => {
    expect(eventCounterOf(bigOrders)).toEqual({
      key: eventTraitKey(bigOrders),
      event: 'Order Completed',
      where: bigOrders.where,
      windowDays: 30,
    });
  });

  it('reads the count from the trait, 0 until the profile has one', () => {
    const key = eventTraitKey(bigOrders);
    expect(countFromTraits({ [key]: 4 }, bigOrders)).toBe(4);
    expect(countFromTraits({}, bigOrders)).toBe(0);
    expect(countFromTraits({ [key]: 'many' }, bigOrders)).toBe(0);
  });
});
