import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceDefinition } from './audience.js';
import { evaluationOrder } from './dependencies.js';
import { applyChanges, type LiveAudience, recompute, reevaluate, seedJoiners } from './membership.js';
import { ProfileMirror } from './profile-mirror.js';

const seed: AudienceDefinition = {
  id: 'a-seed',
  key: 'pros',
  name: 'Pros',
  kind: 'dynamic',
  version: 1,
  rule: { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
};
const lookalike: AudienceDefinition = {
  id: 'a-like',
  key: 'pros_like',
  name: 'Like pros',
  kind: 'lookalike',
  version: 1,
  lookalike: { seedKey: 'pros', percent: 10 },
};

const traits = fc.record({
  plan: fc.constantFrom('pro', 'free'),
  age: fc.integer({ min: 18, max: 80 }),
  sport: fc.constantFrom('running', 'golf', 'chess'),
});
const people = fc.array(traits, { minLength: 2, maxLength: 40 });
/** Later trait changes: which person (by index, wrapped) and what they become. */
const edits = fc.array(fc.tuple(fc.nat(), traits), { maxLength: 10 });

function space(rows: readonly Record<string, unknown>[]) {
  const mirror = new ProfileMirror();
  rows.forEach((row, i) => {
    mirror.apply({ kind: 'profile.created', profileId: `p${i}`, identifiers: [] });
    mirror.apply({
      kind: 'profile.traits_changed',
      profileId: `p${i}`,
      traits: row,
      changedKeys: Object.keys(row),
      version: 1,
    });
  });
  const audiences: LiveAudience[] = evaluationOrder([lookalike, seed]).map((definition) => ({
    definition,
    members: new Map(),
  }));
  const byId = new Map(audiences.map((audience) => [audience.definition.id, audience]));
  const rowsOf = (key: string) => {
    const members = audiences.find((audience) => audience.definition.key === key)?.members;
    return members && mirror.index.rowsOf(members.keys());
  };
  for (const audience of audiences)
    applyChanges(byId, recompute(audience, mirror, rowsOf, { kind: 'RECOMPUTE' }, 1));
  const members = (id: string) => new Set(byId.get(id)?.members.keys());
  const isMember = (key: string, profileId: string) =>
    audiences.find((audience) => audience.definition.key === key)?.members.has(profileId) ?? false;
  return { mirror, audiences, byId, members, isMember };
}

describe('a lookalike between rankings', () => {
  it('is evaluated after its seed, and only ever loses the people who join the seed (until it is ranked again)', () => {
    fc.assert(
      fc.property(people, edits, (rows, changes) => {
        const { mirror, audiences, byId, members } = space(rows);
        expect(audiences.map((audience) => audience.definition.key)).toEqual(['pros', 'pros_like']);
        const ranked = members('a-like');
        /** Everyone who was in the seed at some point since the ranking. */
        const joined = members('a-seed');
        changes.forEach(([person, next], version) => {
          const profileId = `p${person % rows.length}`;
          mirror.apply({
            kind: 'profile.traits_changed',
            profileId,
            traits: next,
            changedKeys: Object.keys(next),
            version: version + 2,
          });
          applyChanges(
            byId,
            reevaluate(audiences, [profileId], mirror, () => ({ kind: 'PROFILE_EVENT' }), 2),
          );
          for (const id of members('a-seed')) joined.add(id);
        });
        const seedNow = members('a-seed');
        const likeNow = members('a-like');
        for (const id of likeNow) expect(ranked.has(id) && !seedNow.has(id)).toBe(true);
        for (const id of ranked) if (!joined.has(id)) expect(likeNow.has(id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('lets the people who joined the seed leave when the seed is recomputed', () => {
    const { byId, isMember } = space([
      { plan: 'pro', sport: 'running' },
      ...Array.from({ length: 9 }, (_, i) => ({ plan: 'free', sport: i < 2 ? 'running' : 'golf' })),
    ]);
    const like = byId.get('a-like') as LiveAudience;
    expect([...like.members.keys()]).toHaveLength(1);
    const [member] = like.members.keys();
    byId.get('a-seed')?.members.set(member as string, 3);
    expect(seedJoiners(like, isMember, { kind: 'MANUAL' }, 3)).toEqual([
      { audienceId: 'a-like', profileId: member, entered: false, at: 3, cause: { kind: 'MANUAL' } },
    ]);
  });
});
