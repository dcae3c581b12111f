import { requireNotSuperseded } from '@prism/campaign';
import { Aborted, FailedPrecondition, NotFound } from '@prism/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  APPROACH_NOT_PERSONAS,
  type CampaignView,
  membershipViolations,
  personaIdsViolations,
  requireSelectable,
  withoutPersona,
} from './selection.js';

// Personas p0–p5 belong to strategy A, q0–q2 to strategy B; x0–x1 do not exist.
const owners = new Map<string, string>([
  ...[0, 1, 2, 3, 4, 5].map((i) => [`p${i}`, 'A'] as const),
  ...[0, 1, 2].map((i) => [`q${i}`, 'B'] as const),
]);
const anyId = fc.constantFrom(...owners.keys(), 'x0', 'x1');
const violationsOf = (ids: string[]) => [
  ...personaIdsViolations(ids),
  ...membershipViolations(ids, 'A', (id) => owners.get(id)),
];

describe('persona selection rules', () => {
  it('accepts a list of ids iff it holds 1 to 5 distinct personas of the campaign strategy', () => {
    fc.assert(
      fc.property(fc.array(anyId, { maxLength: 8 }), (ids) => {
        const valid =
          ids.length >= 1 &&
          ids.length <= 5 &&
          new Set(ids).size === ids.length &&
          ids.every((id) => owners.get(id) === 'A');
        expect(violationsOf(ids).length === 0).toBe(valid);
      }),
    );
  });

  it('names the whole list when it is empty or longer than five', () => {
    expect(personaIdsViolations([])).toEqual([{ field: 'persona_ids', description: expect.any(String) }]);
    expect(personaIdsViolations(['p0', 'p1', 'p2', 'p3', 'p4', 'p5'])[0]?.field).toBe('persona_ids');
  });

  it('names the repeat of a duplicate id, not its first occurrence', () => {
    expect(personaIdsViolations(['p0', 'p1', 'p0']).map((v) => v.field)).toEqual(['persona_ids[2]']);
  });

  it('names each unknown persona and each persona of another strategy', () => {
    expect(membershipViolations(['p0', 'x0', 'q1'], 'A', (id) => owners.get(id))).toEqual([
      { field: 'persona_ids[1]', description: 'unknown persona x0' },
      { field: 'persona_ids[2]', description: 'persona q1 belongs to another strategy' },
    ]);
  });
});

describe('campaign rules of a selection', () => {
  const personas: CampaignView = { strategyId: 'A', approach: 'STRATEGY_PERSONAS', epoch: 4 };

  it('returns the strategy the personas must belong to', () => {
    expect(requireSelectable('cmp_1', personas, 4)).toBe('A');
  });

  it('answers an unknown campaign with NOT_FOUND', () => {
    expect(() => requireSelectable('cmp_1', undefined, 4)).toThrow(NotFound);
  });

  it('answers a stale expected epoch with ABORTED before looking at the approach', () => {
    expect(() => requireSelectable('cmp_1', { ...personas, approach: 'AI_SEGMENTS' }, 3)).toThrow(Aborted);
  });

  it('refuses selecting while the approach is not personas, with a sentence to show', () => {
    for (const approach of ['NONE', 'AI_SEGMENTS'] as const) {
      expect(() => requireSelectable('cmp_1', { ...personas, approach }, 4)).toThrow(
        new FailedPrecondition('APPROACH_NOT_PERSONAS', APPROACH_NOT_PERSONAS),
      );
    }
  });

  it('treats a selection cleared under a newer epoch as proof the command is stale', () => {
    expect(() => requireNotSuperseded({ epoch: 5 }, 4)).toThrow(Aborted);
    expect(() => requireNotSuperseded({ epoch: 4 }, 4)).not.toThrow();
    expect(() => requireNotSuperseded(undefined, 4)).not.toThrow();
  });

  it('drops a deleted persona from a selection at the same epoch', () => {
    expect(withoutPersona({ personaIds: ['p0', 'p1'], epoch: 4 }, 'p0')).toEqual({
      personaIds: ['p1'],
      epoch: 4,
    });
    expect(withoutPersona({ personaIds: ['p1'], epoch: 4 }, 'p0')).toBeUndefined();
  });
});
