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
    const state = apply([{ kind: 'personas.selected', epoch: 3, personaIds: ['p1', 'p2'] }]);
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

  it('ends with the newest epoch of each part whatever order the events of distinct epochs arrive in', () => {
    const event = fc.oneof(
      fc.record({
        kind: fc.constant('personas.selected' as const),
        epoch: fc.integer({ min: 1, max: 20 }),
        personaIds: fc.array(fc.string(), { maxLength: 2 }),
      }),
      fc.record({ kind: fc.constant('personas.cleared' as const), epoch: fc.integer({ min: 1, max: 20 }) }),
    );
    fc.assert(
      fc.property(fc.uniqueArray(event, { selector: (e) => e.epoch, minLength: 1 }), (events) => {
        const newest = events.reduce((a, b) => (b.epoch > a.epoch ? b : a));
        const shuffled = [...events].reverse();
        expect(apply(shuffled).personas?.epoch).toBe(newest.epoch);
        expect(apply(events).personas).toEqual(apply(shuffled).personas);
      }),
    );
  });
});
