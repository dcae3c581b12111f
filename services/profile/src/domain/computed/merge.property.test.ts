import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DISTINCT_VALUES } from './aggregators.js';
import type { ComputedTraitDefinition, TraitEvent } from './definition.js';
import { mergeStates } from './merge.js';
import { backfill, type ComputedTraitState } from './state.js';
import { anyDefinition, anyEvent, daysAgo, define, NOW } from './test-support.js';

/** Events, each with the profile (0, 1, …) whose history it is in. */
const split = (event: fc.Arbitrary<TraitEvent>, profiles: number, length: fc.ArrayConstraints) =>
  fc.array(fc.tuple(event, fc.nat(profiles - 1)), length);

/** The states each profile backfills from its part of the history. */
const histories = (definition: ComputedTraitDefinition, events: [TraitEvent, number][], profiles: number) =>
  Array.from({ length: profiles }, (_, profile) =>
    backfill(
      definition,
      events.filter(([, owner]) => owner === profile).map(([event]) => event),
      NOW,
    ),
  );

const all = (events: [TraitEvent, number][]) => events.map(([event]) => event);

/** No bucket of the state had to stop tracking a value: its value counts add up to its event count. */
const trackedEveryValue = (state: ComputedTraitState | undefined) =>
  (state?.buckets ?? []).every(
    (bucket) => (bucket.counts ?? []).reduce((sum, [, count]) => sum + count, 0) === bucket.count,
  );

describe('merging the states of two profiles', () => {
  it('gives the backfill of both histories together, for every kind and window, in either order', () => {
    fc.assert(
      fc.property(anyDefinition, split(anyEvent(), 2, { maxLength: 40 }), (definition, events) => {
        const [a, b] = histories(definition, events, 2);
        const merged = mergeStates(a, b, definition, NOW);
        expect(merged).toStrictEqual(backfill(definition, all(events), NOW));
        expect(mergeStates(b, a, definition, NOW)).toStrictEqual(merged);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives the backfill of all histories when three profiles merge, in either grouping', () => {
    fc.assert(
      fc.property(anyDefinition, split(anyEvent(), 3, { maxLength: 40 }), (definition, events) => {
        const [a, b, c] = histories(definition, events, 3);
        const expected = backfill(definition, all(events), NOW);
        expect(mergeStates(mergeStates(a, b, definition, NOW), c, definition, NOW)).toEqual(expected);
        expect(mergeStates(a, mergeStates(c, b, definition, NOW), definition, NOW)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  describe('at the distinct-value cap', () => {
    /** Hundreds of events over 2 days, drawn from up to 4 × MAX_DISTINCT_VALUES values, so buckets fill up. */
    const crowded = fc
      .integer({ min: MAX_DISTINCT_VALUES / 4, max: 2 * MAX_DISTINCT_VALUES })
      .chain((spread) => {
        const value = fc.oneof(
          fc.nat(spread),
          fc.nat(spread).map((n) => `v${n}`),
        );
        const event = fc
          .tuple(value, fc.nat(1))
          .map(([value, days]) => ({ type: 'track', properties: { value }, timestamp: daysAgo(days) }));
        return split(event, 2, {
          minLength: MAX_DISTINCT_VALUES,
          maxLength: 3 * MAX_DISTINCT_VALUES,
          size: 'max',
        });
      });
    const kinds = fc.constantFrom('most_frequent', 'unique_list', 'unique_count' as const);
    const crowdedDefinition = fc
      .tuple(kinds, fc.constantFrom(0, 1, 3))
      .map(([kind, windowDays]) => define(kind, { windowDays }));

    it('keeps unique values exact, and most_frequent exact while no day has more distinct values than the cap', () => {
      // Beyond the cap, backfilling tracks the first values to arrive, which merged states cannot know.
      const seen = { exact: 0, beyond: 0 };
      fc.assert(
        fc.property(crowdedDefinition, crowded, (definition, events) => {
          const [a, b] = histories(definition, events, 2);
          const merged = mergeStates(a, b, definition, NOW);
          const together = backfill(definition, all(events), NOW);
          expect(mergeStates(b, a, definition, NOW)).toEqual(merged);
          if (definition.kind !== 'most_frequent' || trackedEveryValue(together)) {
            if (definition.kind === 'most_frequent') seen.exact++;
            expect(merged).toEqual(together);
            return;
          }
          seen.beyond++;
          // Event counts stay exact; the value counts stay within the cap.
          expect(merged?.buckets.map(({ day, count }) => ({ day, count }))).toEqual(
            together?.buckets.map(({ day, count }) => ({ day, count })),
          );
          for (const bucket of merged?.buckets ?? [])
            expect(bucket.counts?.length).toBeLessThanOrEqual(MAX_DISTINCT_VALUES);
        }),
        { numRuns: 150 },
      );
      expect(seen.exact).toBeGreaterThan(0);
      expect(seen.beyond).toBeGreaterThan(0);
    });
  });
});
