import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPersonaEvent, noPersonas, type PersonaMembershipEvent } from './strategy-personas.js';

const event: fc.Arbitrary<PersonaMembershipEvent> = fc.record({
  kind: fc.constantFrom('created' as const, 'deleted' as const),
  personaId: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
});

const replay = (events: PersonaMembershipEvent[]) => events.reduce(applyPersonaEvent, noPersonas);

describe('strategy personas learned from events', () => {
  it('counts created personas and forgets deleted ones', () => {
    const state = replay([
      { kind: 'created', personaId: 'p1' },
      { kind: 'created', personaId: 'p2' },
      { kind: 'deleted', personaId: 'p1' },
    ]);
    expect(state.personaIds).toEqual(['p2']);
  });

  it('keeps a persona deleted when its creation is delivered after the deletion', () => {
    const state = replay([
      { kind: 'deleted', personaId: 'p1' },
      { kind: 'created', personaId: 'p1' },
    ]);
    expect(state.personaIds).toEqual([]);
  });

  it('ends in the same state for any order and any redelivery of the same events', () => {
    fc.assert(
      fc.property(
        fc
          .array(event, { maxLength: 12 })
          .chain((events) =>
            fc.tuple(
              fc.constant(events),
              fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
              fc.array(fc.nat({ max: Math.max(0, events.length - 1) }), { maxLength: 6 }),
            ),
          ),
        ([events, shuffled, redelivered]) => {
          const withDuplicates = [...shuffled, ...redelivered.flatMap((i) => (events[i] ? [events[i]] : []))];
          expect(replay(withDuplicates)).toEqual(replay(events));
        },
      ),
    );
  });
});
