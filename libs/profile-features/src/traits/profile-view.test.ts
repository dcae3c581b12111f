import { matchesRule, type Rule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { viewProfiles } from './profile-view.js';

const today = new Date('2026-03-01T09:30:00Z');
const profile = (traits: Record<string, unknown>) => ({ profileId: 'p', traits });
const ageOf = (birthday: unknown, day = today) =>
  viewProfiles([profile({ birthday })], day).profiles[0]?.traits.age;

const DAY_MS = 86_400_000;

/** A date some days from `day` (within about 160 years), as senders write it: an instant, a calendar date, or with an offset. */
const writtenNear = (day: Date) =>
  fc
    .tuple(
      fc.integer({ min: -60_000, max: 60_000 }),
      fc.integer({ min: 0, max: DAY_MS - 1 }),
      fc.constantFrom('instant', 'date', 'offset'),
    )
    .map(([days, ms, form]) => {
      const iso = new Date(day.getTime() + days * DAY_MS + ms).toISOString();
      if (form === 'date') return iso.slice(0, 10);
      return form === 'instant' ? iso : `${iso.slice(0, 19)}+02:00`;
    });
/** A day to count to, and a date (or junk) to count from. */
const datedDay = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T00:00:00Z'), noInvalidDate: true })
  .chain((day) =>
    fc.record({
      day: fc.constant(day),
      date: fc.oneof(
        { weight: 9, arbitrary: writtenNear(day) },
        fc.constantFrom('unknown', 1990, '1990', null),
      ),
    }),
  );
const ordering = fc.constantFrom('greater_or_equal', 'greater_than', 'less_than', 'less_or_equal' as const);
/** Thresholds at, between and beside the whole numbers near a value: where an ordering can go wrong. */
const offset = fc.oneof(fc.integer({ min: -2, max: 2 }), fc.double({ min: -2, max: 2, noNaN: true }));
const derivedTrait = fc.constantFrom(
  { key: 'age', source: 'birthday' },
  { key: 'tenure_days', source: 'createdAt' },
);

describe('reading traits by path with numbers derived from dates', () => {
  it('counts an age in whole years to today, as people do', () => {
    expect(ageOf('1990-03-01')).toBe(36);
    expect(ageOf('1990-03-02')).toBe(35);
    expect(ageOf('1990-03-01T23:59:59Z')).toBe(36);
    expect(ageOf('2000-03-01', new Date('2024-02-29T00:00:00Z'))).toBe(23);
    expect(ageOf('2000-02-28', new Date('2023-02-28T00:00:00Z'))).toBe(23);
  });

  it('keeps any ordering of a derived number exact as a condition on its date', () => {
    fc.assert(
      fc.property(
        datedDay,
        derivedTrait,
        ordering,
        offset,
        ({ day, date }, { key, source }, operator, by) => {
          const view = viewProfiles([profile({ [source]: date }), profile({ [source]: '2001-05-04' })], day);
          const traits = view.profiles[0]?.traits ?? {};
          const onView: Rule = { trait: { key, operator, value: Number(traits[key] ?? 0) + by } };
          expect(matchesRule(view.onData(onView), { traits: { [source]: date } })).toBe(
            matchesRule(onView, { traits }),
          );
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('puts the number in place of its date and rewrites rules on it to the date', () => {
    const view = viewProfiles(
      [
        profile({
          birthday: '1990-05-14T00:00:00.000Z',
          address: { country: 'ES' },
          createdAt: '2025-12-01',
        }),
      ],
      today,
    );
    expect(view.profiles[0]?.traits).toEqual({ age: 35, 'address.country': 'ES', tenure_days: 90 });
    const rule: Rule = {
      all: [
        { trait: { key: 'age', operator: 'greater_or_equal', value: 30 } },
        { not: { trait: { key: 'tenure_days', operator: 'less_than', value: 60 } } },
        { trait: { key: 'address.country', operator: 'equals', value: 'ES' } },
      ],
    };
    expect(view.onData(rule)).toEqual({
      all: [
        { trait: { key: 'birthday', operator: 'less_than', value: '1996-03-02' } },
        { not: { trait: { key: 'createdAt', operator: 'greater_or_equal', value: '2026-01-01' } } },
        { trait: { key: 'address.country', operator: 'equals', value: 'ES' } },
      ],
    });
  });

  it('leaves the data’s own number alone: no age from birthdays where profiles have ages', () => {
    const view = viewProfiles([profile({ age: 40 }), profile({ birthday: '1990-01-01' })], today);
    expect(view.derived).toEqual([]);
    expect(view.profiles[1]?.traits).toEqual({ birthday: '1990-01-01' });
    const rule: Rule = { trait: { key: 'age', operator: 'greater_or_equal', value: 30 } };
    expect(view.onData(rule)).toBe(rule);
  });
});
