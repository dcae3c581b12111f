import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AudienceSelection,
  type AudienceSelectionEvent,
  applySelectionEvent,
  currentSelection,
} from './audience-selection.js';

const apply = (events: AudienceSelectionEvent[]) =>
  events.reduce<AudienceSelection>((state, event) => applySelectionEvent(state, event) ?? state, {});

const segment = { segmentId: 's1', name: 'Urban runners', size: 120 };

describe('campaign audience selection read model', () => {
  it('shows the personas chosen under the current epoch while the approach is personas', () => {
    const state = apply([{ kind: 'personas.selected', epoch: 3, revision: 1, personaIds: ['p1', 'p2'] }]);
    expect(currentSelection(state, { approach: 'STRATEGY_PERSONAS', epoch: 3 }).personaIds).toEqual([
      'p1',
      'p2',
    ]);
    expect(currentSelection(state, { approach: 'STRATEGY_PERSONAS', epoch: 4 }).personaIds).toEqual([]);
    expect(currentSelection(state, { approach: 'AI_SEGMENTS', epoch: 3 }).personaIds).toEqual([]);
  });

  it('ignores a selection older than the clear it arrives after', () => {
    const state = apply([
      { kind: 'segments.cleared', epoch: 5 },
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0001', segments: [segment] },
    ]);
    expect(state.segments).toEqual({ epoch: 5, generationId: '', segments: [] });
  });

  it('lets a regeneration under the same epoch replace the segments', () => {
    const state = apply([
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0001', segments: [segment] },
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0002', segments: [] },
    ]);
    expect(currentSelection(state, { approach: 'AI_SEGMENTS', epoch: 4 }).generationId).toBe('gen_0002');
  });

  it('keeps the newer generation of an epoch when an older one is redelivered after it', () => {
    const state = apply([
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0002', segments: [] },
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0001', segments: [segment] },
    ]);
    expect(state.segments?.generationId).toBe('gen_0002');
  });

  it('keeps the later persona change of an epoch when an earlier one is redelivered after it', () => {
    const state = apply([
      { kind: 'personas.selected', epoch: 4, revision: 2, personaIds: ['p1'] },
      { kind: 'personas.selected', epoch: 4, revision: 3, personaIds: ['p2'] },
      { kind: 'personas.selected', epoch: 4, revision: 2, personaIds: ['p1'] },
      { kind: 'personas.cleared', epoch: 4, revision: 1 },
    ]);
    expect(state.personas).toEqual({ epoch: 4, revision: 3, personaIds: ['p2'] });
  });

  it('ignores a segments clear redelivered after the generation of its own epoch', () => {
    const state = apply([
      { kind: 'segments.cleared', epoch: 4 },
      { kind: 'segments.generated', epoch: 4, generationId: 'gen_0001', segments: [segment] },
      { kind: 'segments.cleared', epoch: 4 },
    ]);
    expect(state.segments?.generationId).toBe('gen_0001');
  });

  it('ends with the latest persona change whatever order and redeliveries bring the changes in', () => {
    const change = fc.record({
      epoch: fc.integer({ min: 1, max: 6 }),
      revision: fc.integer({ min: 1, max: 6 }),
      personaIds: fc.option(fc.array(fc.string(), { minLength: 1, maxLength: 2 }), { nil: undefined }),
    });
    const changes = fc.uniqueArray(change, {
      selector: (c) => `${c.epoch}/${c.revision}`,
      minLength: 1,
    });
    fc.assert(
      fc.property(changes, fc.array(fc.nat()), (made, order) => {
        const events: AudienceSelectionEvent[] = made.map(({ epoch, revision, personaIds }) =>
          personaIds
            ? { kind: 'personas.selected', epoch, revision, personaIds }
            : { kind: 'personas.cleared', epoch, revision },
        );
        const latest = made.reduce((a, b) =>
          b.epoch > a.epoch || (b.epoch === a.epoch && b.revision > a.revision) ? b : a,
        );
        // A delivery order with repeats: every event at least once, then any of them again.
        const delivered = [
          ...events,
          ...order.map((n) => events[n % events.length] as AudienceSelectionEvent),
        ];
        const shuffled = delivered
          .map((event, index) => ({ event, key: order[index % Math.max(order.length, 1)] ?? index }))
          .sort((a, b) => a.key - b.key)
          .map(({ event }) => event);
        expect(apply(shuffled).personas).toEqual({
          epoch: latest.epoch,
          revision: latest.revision,
          personaIds: latest.personaIds ?? [],
        });
      }),
    );
  });
});
