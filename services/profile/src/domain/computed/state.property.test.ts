import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ComputedTraitDefinition, TraitEvent } from './definition.js';
import { accumulate, backfill, type ComputedTraitState, expire } from './state.js';
import { anyDefinition, anyEvent, HOUR, NOW } from './test-support.js';

const event = anyEvent();
const events = fc.array(event, { maxLength: 40 });

const fold = (def: ComputedTraitDefinition, list: TraitEvent[], now: Date) =>
  list.reduce<ComputedTraitState | undefined>((state, next) => accumulate(state, def, next, now), undefined);

describe('backfill and incremental accumulation', () => {
  it('agree for every kind, whatever order the events arrive in', () => {
    fc.assert(
      fc.property(
        anyDefinition,
        events.chain((list) =>
          fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length })),
        ),
        (def, [inOrder, shuffled]) => {
          const now = NOW;
          expect(fold(def, shuffled, now)).toEqual(backfill(def, inOrder, now));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agree when events arrive live over time and the state is expired at the end', () => {
    fc.assert(
      fc.property(
        anyDefinition,
        fc.array(fc.tuple(event, fc.integer({ min: 0, max: 72 })), { maxLength: 40 }),
        (def, arrivals) => {
          // Each event arrives some hours after it happened, in the generated order.
          let live: ComputedTraitState | undefined;
          let clock = 0;
          for (const [next, delay] of arrivals) {
            clock = Math.max(clock, next.timestamp.getTime()) + delay * HOUR;
            live = accumulate(live, def, next, new Date(clock));
          }
          const end = new Date(Math.max(clock, NOW.getTime()));
          const all = arrivals.map(([next]) => next);
          expect(expire(live, def, end)).toEqual(backfill(def, all, end));
        },
      ),
      { numRuns: 500 },
    );
  });
});
