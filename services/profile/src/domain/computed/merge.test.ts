import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_VALUES } from './aggregators.js';
import type { ComputedTraitDefinition, ComputedTraitKind } from './definition.js';
import { mergeStates } from './merge.js';
import { backfill, traitValue } from './state.js';
import { daysAgo, define, event, NOW } from './test-support.js';

/** The states of two profiles, each backfilled from its values (one event a day, the last one today). */
const profiles = (definition: ComputedTraitDefinition, a: unknown[], b: unknown[]) =>
  [a, b].map((list) =>
    backfill(
      definition,
      list.map((value, i) => event({ value }, daysAgo(list.length - 1 - i))),
      NOW,
    ),
  );

const mergedValue = (kind: ComputedTraitKind, a: unknown[], b: unknown[]) => {
  const definition = define(kind);
  const [left, right] = profiles(definition, a, b);
  return traitValue(mergeStates(left, right, definition, NOW), definition, NOW);
};

describe('merging computed trait states', () => {
  it('adds counters of merged profiles', () => {
    expect(mergedValue('event_counter', [1, 2], [3])).toBe(3);
  });

  it('adds sums and averages over the events of both profiles', () => {
    expect(mergedValue('sum', [1, 2], [6])).toBe(9);
    expect(mergedValue('average', [1, 2], [6])).toBe(3);
  });

  it('keeps the smaller minimum and the larger maximum', () => {
    expect(mergedValue('minimum', [4, 2], [3, 9])).toBe(2);
    expect(mergedValue('maximum', [4, 2], [3, 9])).toBe(9);
  });

  it('keeps the earliest first value and the latest last value by event time', () => {
    const definition = define('first_value');
    const early = backfill(definition, [event({ value: 'early' }, daysAgo(9))], NOW);
    const late = backfill(definition, [event({ value: 'late' }, daysAgo(1))], NOW);
    expect(traitValue(mergeStates(late, early, definition, NOW), definition, NOW)).toBe('early');
    const last = define('last_value');
    const [older, newer] = profiles(last, ['a', 'b'], ['c']);
    expect(traitValue(mergeStates(newer, older, last, NOW), last, NOW)).toBe('c');
  });

  it('settles same-time first values by their JSON, whichever profile merges into which', () => {
    const definition = define('first_value');
    const [b, a] = profiles(definition, ['b'], ['a']);
    expect(traitValue(mergeStates(b, a, definition, NOW), definition, NOW)).toBe('a');
    expect(traitValue(mergeStates(a, b, definition, NOW), definition, NOW)).toBe('a');
  });

  it('adds most-frequent counts per value', () => {
    // Neither profile alone has 'b' as its most frequent value.
    expect(mergedValue('most_frequent', ['a', 'a', 'b'], ['c', 'b', 'b', 'c'])).toBe('b');
  });

  it('unions unique values, counting values both profiles had once', () => {
    expect(mergedValue('unique_list', ['b', 1], ['a', 1, true])).toEqual([true, 1, 'a', 'b']);
    expect(mergedValue('unique_count', ['b', 1], ['a', 1, true])).toBe(4);
  });

  it('keeps the smallest values when merged unique values exceed the cap', () => {
    const numbers = (from: number) => Array.from({ length: MAX_DISTINCT_VALUES }, (_, i) => from + i);
    const list = mergedValue('unique_list', numbers(100), numbers(0)) as number[];
    expect(list).toEqual(numbers(0));
  });

  it('keeps the most counted values when merged most-frequent values exceed the cap', () => {
    const definition = define('most_frequent');
    const distinct = (prefix: string) =>
      Array.from({ length: MAX_DISTINCT_VALUES }, (_, i) => `${prefix}${i}`);
    // Both profiles are full; only 'b1' is counted by both.
    const [a, b] = profiles(definition, [...distinct('a').slice(1), 'b1'], distinct('b'));
    const merged = mergeStates(a, b, definition, NOW);
    const counts = new Map(merged?.buckets[0]?.counts);
    expect(counts.size).toBe(MAX_DISTINCT_VALUES);
    expect(counts.get('b1')).toBe(2);
    expect(counts.has('a1')).toBe(true);
    expect(counts.has('b0')).toBe(false);
    expect(merged?.buckets[0]?.count).toBe(2 * MAX_DISTINCT_VALUES);
    expect(traitValue(merged, definition, NOW)).toBe('b1');
  });

  it('combines same-day buckets and keeps days only one profile had', () => {
    const weekly = define('event_counter', { windowDays: 7 });
    const a = backfill(weekly, [event({}, daysAgo(5)), event({}, daysAgo(1))], NOW);
    const b = backfill(weekly, [event({}, daysAgo(3)), event({}, daysAgo(1)), event({})], NOW);
    const merged = mergeStates(a, b, weekly, NOW);
    expect(merged?.buckets.map((bucket) => bucket.count)).toEqual([1, 1, 2, 1]);
    expect(merged?.buckets.map((bucket) => bucket.day)).toEqual(
      [5, 3, 1, 0].map((days) => Math.floor(daysAgo(days).getTime() / 86_400_000)),
    );
  });

  it('drops buckets out of the window at the time of the merge', () => {
    const weekly = define('sum', { windowDays: 7 });
    const a = backfill(weekly, [event({ value: 5 }, daysAgo(6))], NOW);
    const b = backfill(weekly, [event({ value: 7 }, daysAgo(1))], NOW);
    const later = daysAgo(-2);
    expect(mergeStates(a, b, weekly, later)).toEqual(b);
    expect(mergeStates(a, a, weekly, later)).toBeUndefined();
  });

  it('keeps the state of the only profile that has one, itself when nothing expired', () => {
    const definition = define('sum');
    const [a] = profiles(definition, [1], []);
    expect(mergeStates(a, undefined, definition, NOW)).toBe(a);
    expect(mergeStates(undefined, a, definition, NOW)).toBe(a);
    expect(mergeStates(undefined, undefined, definition, NOW)).toBeUndefined();
  });
});
