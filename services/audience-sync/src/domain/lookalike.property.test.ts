import type { AudienceProfile } from '@prism/profile-features';
import { plantedAudience } from '@prism/segment-generation/testing/planted.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLookalikes, lookalikeSize, rankLookalikes } from './lookalike.js';

const now = new Date('2026-12-07T00:00:00Z');

/** Small spaces with mixed traits: numbers, levels, lists, nesting, birthdays, gaps. */
const traits = fc.record(
  {
    age: fc.oneof(fc.integer({ min: 18, max: 90 }), fc.constant('42')),
    plan: fc.constantFrom('free', 'pro', 'team'),
    interests: fc.subarray(['running', 'yoga', 'chess', 'golf']),
    address: fc.record({ country: fc.constantFrom('ES', 'DE', 'FR') }),
    birthday: fc.constantFrom('1980-05-01', '1999-12-31'),
    email: fc.emailAddress(),
  },
  { requiredKeys: [] },
);

const space = fc
  .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), traits), {
    minLength: 1,
    maxLength: 60,
    selector: ([id]) => id,
  })
  .chain((rows) =>
    fc.record({
      profiles: fc.constant(rows.map(([profileId, traits]): AudienceProfile => ({ profileId, traits }))),
      seed: fc.subarray(rows.map(([id]) => id)).map((ids) => new Set([...ids, 'not-in-space'])),
    }),
  );

const percent = fc.integer({ min: 1, max: 10 });

describe('lookalikes of a seed audience', () => {
  it('hold exactly the rounded-up percent of the non-members, none of them a seed member', () => {
    fc.assert(
      fc.property(space, percent, ({ profiles, seed }, p) => {
        const found = findLookalikes(profiles, seed, p, now);
        const nonMembers = profiles.filter((profile) => !seed.has(profile.profileId));
        const seeded = nonMembers.length < profiles.length;
        expect(found.length).toBe(seeded ? Math.ceil((nonMembers.length * p) / 100) : 0);
        expect(new Set(found).size).toBe(found.length);
        for (const id of found) expect(nonMembers.some((profile) => profile.profileId === id)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('do not depend on the order the profiles come in', () => {
    fc.assert(
      fc.property(space, percent, fc.infiniteStream(fc.nat()), ({ profiles, seed }, p, keys) => {
        const shuffled = profiles
          .map((profile) => ({ profile, key: keys.next().value as number }))
          .sort((a, b) => a.key - b.key)
          .map(({ profile }) => profile);
        expect(findLookalikes(shuffled, seed, p, now)).toEqual(findLookalikes(profiles, seed, p, now));
      }),
      { numRuns: 200 },
    );
  });

  it('grow by adding people: a smaller percent is a subset of a larger one', () => {
    fc.assert(
      fc.property(space, percent, percent, ({ profiles, seed }, a, b) => {
        const smaller = findLookalikes(profiles, seed, Math.min(a, b), now);
        const larger = new Set(findLookalikes(profiles, seed, Math.max(a, b), now));
        for (const id of smaller) expect(larger.has(id)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('take only whole percents from 1 to 10', () => {
    for (const bad of [0, 11, 2.5, -1, Number.NaN])
      expect(() => lookalikeSize(100, bad)).toThrow(/percent must be a whole number in 1\.\.10/);
    expect(lookalikeSize(0, 5)).toBe(0);
    expect(lookalikeSize(1, 1)).toBe(1);
    expect(lookalikeSize(300, 5)).toBe(15);
  });

  it('of a sample of one planted segment are mostly that segment, far above chance', () => {
    const { profiles, truth } = plantedAudience({ seed: 3, size: 4_000 });
    const segment = truth[0];
    const inSegment = profiles.filter((_, row) => truth[row] === segment);
    const seed = new Set(inSegment.filter((_, i) => i % 10 === 0).map((profile) => profile.profileId));
    const ranked = rankLookalikes(profiles, seed, now);
    const top = ranked.slice(0, lookalikeSize(ranked.length, 5));
    const segmentOf = new Map(profiles.map((profile, row) => [profile.profileId, truth[row]]));
    const precision = top.filter((id) => segmentOf.get(id) === segment).length / top.length;
    const chance = (inSegment.length - seed.size) / ranked.length;
    expect(chance).toBeLessThan(0.4);
    expect(precision).toBeGreaterThan(0.9);
  });
});
