import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_VALUES, MAX_VALUE_LENGTH } from './aggregators.js';
import type { ComputedTraitDefinition, ComputedTraitKind, TraitEvent } from './definition.js';
import { accumulate, backfill, changedValues, computedValues, expire, traitValue } from './state.js';
import { daysAgo, define, event, NOW } from './test-support.js';

const valueAfter = (definition: ComputedTraitDefinition, events: TraitEvent[], now = NOW) =>
  traitValue(backfill(definition, events, NOW), definition, now);

const values = (...list: unknown[]) => list.map((value, i) => event({ value }, daysAgo(list.length - i)));

describe('computed trait kinds', () => {
  it.each<[ComputedTraitKind, unknown]>([
    ['event_counter', 5],
    ['sum', 21.5],
    ['average', 4.3],
    ['minimum', -2],
    ['maximum', 10],
    ['first_value', 3],
    ['last_value', '10'],
    ['most_frequent', 3],
    ['unique_list', [-2, 3, 7.5, '10']],
    ['unique_count', 4],
  ])('computes %s', (kind, expected) => {
    // Numeric kinds read numeric strings; the others keep the value as sent.
    expect(valueAfter(define(kind), values(3, 3, -2, 7.5, '10'))).toEqual(expected);
  });

  it('gives counters 0 and leaves other kinds absent when nothing counted', () => {
    expect(traitValue(undefined, define('event_counter'), NOW)).toBe(0);
    expect(traitValue(undefined, define('sum'), NOW)).toBeUndefined();
  });

  it('ignores values numeric kinds cannot use, without counting the event', () => {
    const state = backfill(define('average'), values(4, 'four', true, null, { n: 1 }, 8), NOW);
    expect(traitValue(state, define('average'), NOW)).toBe(6);
    expect(state?.buckets[0]?.count).toBe(2);
  });

  it('keeps objects whole for first and last values, but not for lists', () => {
    const product = { sku: 'A1', size: 42 };
    expect(valueAfter(define('last_value'), values('old', product))).toEqual(product);
    expect(valueAfter(define('unique_list'), values(product, 'a'))).toEqual(['a']);
  });

  it('decides first and last by event time, whatever the arrival order', () => {
    const events = [event({ value: 'late' }, daysAgo(1)), event({ value: 'early' }, daysAgo(9))];
    expect(valueAfter(define('first_value'), events)).toBe('early');
    expect(valueAfter(define('last_value'), events.toReversed())).toBe('late');
  });

  it('settles same-time first and last values by their JSON, in any order', () => {
    const tied = [event({ value: 'b' }), event({ value: 'a' })];
    expect(valueAfter(define('first_value'), tied)).toBe('a');
    expect(valueAfter(define('first_value'), tied.toReversed())).toBe('a');
    expect(valueAfter(define('last_value'), tied)).toBe('b');
  });

  it('breaks most-frequent ties towards the smallest value', () => {
    expect(valueAfter(define('most_frequent'), values('b', 'a', 'b', 'a', 1))).toBe('a');
  });

  it('lists unique values booleans first, then numbers, then strings, keeping 1 and "1" apart', () => {
    expect(valueAfter(define('unique_list'), values('b', 1, '1', false, 1, 'a'))).toEqual([
      false,
      1,
      '1',
      'a',
      'b',
    ]);
  });
});

describe('event filters', () => {
  const completedInEuro = define('sum', {
    property: 'order.total',
    filter: { name: 'Order Completed', conditions: [{ key: 'currency', operator: 'equals', value: 'EUR' }] },
  });

  it('adds only events of the name whose properties meet every condition', () => {
    const events = [
      event({ currency: 'EUR', order: { total: 10 } }),
      event({ currency: 'USD', order: { total: 20 } }),
      event({ currency: 'EUR', order: { total: 40 } }, NOW, 'Order Refunded'),
      event({ currency: 'EUR', order: { total: '5' } }),
    ];
    expect(valueAfter(completedInEuro, events)).toBe(15);
  });

  it('returns the state itself when the event is ignored', () => {
    const state = backfill(completedInEuro, [event({ currency: 'EUR', order: { total: 10 } })], NOW);
    expect(accumulate(state, completedInEuro, event({ currency: 'USD', order: { total: 1 } }), NOW)).toBe(
      state,
    );
    expect(accumulate(state, completedInEuro, event({ currency: 'EUR', order: {} }), NOW)).toBe(state);
    expect(accumulate(undefined, completedInEuro, event({ currency: 'EUR' }), NOW)).toBeUndefined();
  });

  it('counts track, page and screen messages only', () => {
    const counter = define('event_counter');
    const messages = ['track', 'page', 'screen', 'identify', 'group', 'alias'].map((type) => ({
      ...event({}),
      type,
    }));
    expect(valueAfter(counter, messages)).toBe(3);
  });
});

describe('time windows', () => {
  const weekly = define('event_counter', { windowDays: 7 });

  it('does not add events older than the window', () => {
    expect(accumulate(undefined, weekly, event({}, daysAgo(8)), NOW)).toBeUndefined();
    expect(valueAfter(weekly, [event({}, daysAgo(7)), event({}, daysAgo(0))])).toBe(2);
  });

  it('drops values as days pass without new events', () => {
    const spend = define('sum', { windowDays: 7 });
    const state = backfill(spend, [event({ value: 5 }, daysAgo(6)), event({ value: 7 }, daysAgo(1))], NOW);
    expect(traitValue(state, spend, NOW)).toBe(12);
    expect(traitValue(state, spend, daysAgo(-2))).toBe(7);
    expect(traitValue(state, spend, daysAgo(-7))).toBeUndefined();
    expect(traitValue(state, weekly, daysAgo(-7))).toBe(0);
  });

  it('expires buckets out of the window, keeping the state itself when none is', () => {
    const state = backfill(weekly, [event({}, daysAgo(6)), event({}, daysAgo(1))], NOW);
    expect(expire(state, weekly, NOW)).toBe(state);
    expect(expire(state, weekly, daysAgo(-2))?.buckets.map((bucket) => bucket.count)).toEqual([1]);
    expect(expire(state, weekly, daysAgo(-7))).toBeUndefined();
  });

  it('keeps at most windowDays + 1 day buckets, putting future-dated events in today', () => {
    const events = Array.from({ length: 20 }, (_, i) => event({}, daysAgo(i - 3)));
    const state = backfill(weekly, events, NOW);
    expect(state?.buckets).toHaveLength(8);
    expect(traitValue(state, weekly, NOW)).toBe(11);
  });

  it('keeps a single bucket for all-time definitions', () => {
    const state = backfill(define('event_counter'), [event({}, daysAgo(4000)), event({})], NOW);
    expect(state).toEqual({ buckets: [{ day: 0, count: 2 }] });
  });
});

describe('bounds', () => {
  const many = (count: number) => Array.from({ length: count }, (_, i) => event({ value: `v${1000 + i}` }));

  it('keeps the smallest distinct values of a bucket for unique kinds', () => {
    const events = many(MAX_DISTINCT_VALUES + 50).toReversed();
    const list = valueAfter(define('unique_list'), events) as string[];
    expect(list).toHaveLength(MAX_DISTINCT_VALUES);
    expect(list.at(-1)).toBe(`v${1000 + MAX_DISTINCT_VALUES - 1}`);
    expect(valueAfter(define('unique_count'), events)).toBe(MAX_DISTINCT_VALUES);
  });

  it('stops tracking new values for most_frequent once a bucket is full', () => {
    const late = [event({ value: 'late' }), event({ value: 'late' })];
    const state = backfill(define('most_frequent'), [...many(MAX_DISTINCT_VALUES), ...late], NOW);
    expect(state?.buckets[0]?.counts).toHaveLength(MAX_DISTINCT_VALUES);
    expect(traitValue(state, define('most_frequent'), NOW)).toBe('v1000');
  });

  it('ignores values longer than MAX_VALUE_LENGTH', () => {
    const long = 'x'.repeat(MAX_VALUE_LENGTH + 1);
    expect(valueAfter(define('last_value'), values('short', { long }))).toBe('short');
    expect(valueAfter(define('unique_list'), values('short', long))).toEqual(['short']);
  });

  it('stores plain JSON that survives a round trip', () => {
    for (const kind of ['first_value', 'most_frequent', 'minimum'] as const) {
      const state = backfill(define(kind, { windowDays: 3 }), values({ 'a.b': 1, $c: [2] }, 3, 'x'), NOW);
      expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    }
  });
});

describe('changed values', () => {
  const weekly = define('event_counter', { key: 'orders_7d', windowDays: 7 });
  const spend = define('sum', { key: 'spend_7d', windowDays: 7 });
  const definitions = [weekly, spend];
  const states = {
    orders_7d: backfill(weekly, [event({}, daysAgo(6))], NOW),
    spend_7d: backfill(spend, [event({ value: 5 }, daysAgo(6))], NOW),
  };

  it('reports nothing when the values are those published', () => {
    const published = computedValues(states, definitions, NOW);
    expect(published).toEqual({ orders_7d: 1, spend_7d: 5 });
    expect(changedValues(published, states, definitions, NOW)).toEqual([]);
  });

  it('reports values that expired since they were published', () => {
    const later = daysAgo(-2);
    expect(changedValues({ orders_7d: 1, spend_7d: 5 }, states, definitions, later)).toEqual([
      { key: 'orders_7d', value: 0, previous: 1 },
      { key: 'spend_7d', value: undefined, previous: 5 },
    ]);
  });

  it('compares objects regardless of key order', () => {
    const last = define('last_value', { key: 'address' });
    const state = backfill(last, [event({ value: { city: 'Oslo', zip: '0150' } })], NOW);
    const published = { address: { zip: '0150', city: 'Oslo' } };
    expect(changedValues(published, { address: state }, [last], NOW)).toEqual([]);
  });
});
