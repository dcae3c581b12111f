import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Identifier, identifierToken, type ProfileChange, ProfileMirror } from './profile-mirror.js';

const PEOPLE = 5;
const idOf = (person: number) => `p${person}`;
const identifiersOf = (person: number, withEmail: boolean): Identifier[] => [
  { type: 'user_id', value: `u${person}` },
  ...(withEmail ? [{ type: 'email', value: `person${person}@example.com` }] : []),
];
const ALL_TOKENS = Array.from({ length: PEOPLE }, (_, person) =>
  identifiersOf(person, true).map(identifierToken),
).flat();
const ALL_IDS = Array.from({ length: PEOPLE }, (_, person) => idOf(person));

const person = fc.nat(PEOPLE - 1);
type Op =
  | { op: 'create'; person: number; withEmail: boolean }
  | { op: 'traits'; person: number; set: Record<string, unknown>; unset: string[] }
  | { op: 'merge'; person: number; into: number }
  | { op: 'delete'; person: number };
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({ op: fc.constant('create' as const), person, withEmail: fc.boolean() }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        op: fc.constant('traits' as const),
        person,
        set: fc.dictionary(
          fc.constantFrom('plan', 'age', 'country'),
          fc.oneof(fc.constantFrom('pro', 'free'), fc.nat(90)),
        ),
        unset: fc.subarray(['plan', 'age', 'country']),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('merge' as const), person, into: person }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), person }) },
  ),
  { maxLength: 30 },
);

interface History {
  events: ProfileChange[];
  /** Where each person's identifiers live now: the profile they were merged into, or nothing once deleted. */
  homeOf: (person: number) => string | undefined;
  gone: string[];
  /** The traits each live profile's changes left. */
  traits: Map<string, Record<string, unknown>>;
}

/** The events the profile service would publish for `ops`, skipping what it would refuse. */
function historyOf(steps: Op[]): History {
  const events: ProfileChange[] = [];
  const live = new Set<string>();
  const gone = new Set<string>();
  const mergedInto = new Map<string, string>();
  const versions = new Map<string, number>();
  const traits = new Map<string, Record<string, unknown>>();
  for (const step of steps) {
    const id = idOf(step.person);
    if (step.op === 'create') {
      if (live.has(id) || gone.has(id)) continue;
      live.add(id);
      traits.set(id, {});
      events.push({
        kind: 'profile.created',
        profileId: id,
        identifiers: identifiersOf(step.person, step.withEmail),
      });
      continue;
    }
    if (!live.has(id)) continue;
    if (step.op === 'traits') {
      const version = (versions.get(id) ?? 0) + 1;
      versions.set(id, version);
      const changedKeys = [...new Set([...Object.keys(step.set), ...step.unset])];
      const held = traits.get(id) as Record<string, unknown>;
      for (const key of changedKeys)
        if (key in step.set) held[key] = step.set[key];
        else delete held[key];
      events.push({ kind: 'profile.traits_changed', profileId: id, traits: step.set, changedKeys, version });
    } else if (step.op === 'merge') {
      const survivor = idOf(step.into);
      if (survivor === id || !live.has(survivor)) continue;
      live.delete(id);
      gone.add(id);
      traits.delete(id);
      mergedInto.set(id, survivor);
      events.push({ kind: 'profile.merged', survivor, merged: [id] });
    } else {
      live.delete(id);
      gone.add(id);
      traits.delete(id);
      events.push({ kind: 'profile.deleted', profileId: id });
    }
  }
  const homeOf = (person: number) => {
    let id: string | undefined = idOf(person);
    while (id && mergedInto.has(id)) id = mergedInto.get(id);
    return id && live.has(id) ? id : undefined;
  };
  return { events, homeOf, gone: [...gone], traits };
}

const applied = (events: readonly ProfileChange[], mirror = new ProfileMirror()) => {
  for (const event of events) mirror.apply(event);
  return mirror;
};

/** Everything the mirror answers, in a comparable form. */
const snapshot = (mirror: ProfileMirror) => ({
  profiles: [...mirror.all()]
    .map((profile) => ({ ...profile, identifiers: profile.identifiers.map(identifierToken).sort() }))
    .sort((a, b) => a.id.localeCompare(b.id)),
  resolved: ALL_TOKENS.map((token) => mirror.resolve(token)),
  survivors: ALL_IDS.map((id) => mirror.survivorOf(id)),
});

describe('the profile mirror', () => {
  it('holds the traits and profiles the events leave', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const { events, traits } = historyOf(steps);
        const mirror = applied(events);
        expect(new Map([...mirror.all()].map((profile) => [profile.id, profile.traits]))).toEqual(traits);
      }),
      { numRuns: 300 },
    );
  });

  it('ends the same after a replay of any prefix followed by the whole stream again', () => {
    fc.assert(
      fc.property(
        ops.map(historyOf).chain(({ events }) => fc.tuple(fc.constant(events), fc.nat(events.length))),
        ([events, replayed]) => {
          const once = snapshot(applied(events));
          expect(snapshot(applied(events, applied(events.slice(0, replayed))))).toEqual(once);
          expect(snapshot(applied(events, applied(events)))).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('ends the same when events are delivered again later, in between newer ones or in any order after them', () => {
    const redelivered = ops
      .map(historyOf)
      .chain(({ events }) =>
        fc.tuple(
          fc.constant(events),
          fc.array(fc.tuple(fc.nat(), fc.nat(events.length)), { maxLength: 2 * events.length }),
          fc.shuffledSubarray(events),
        ),
      );
    fc.assert(
      fc.property(redelivered, ([events, again, afterwards]) => {
        // Each copy is delivered some time after its original.
        const timed = [
          ...events.map((event, index) => ({ event, at: index })),
          ...again.map(([which, delay]) => ({
            event: events[which % events.length],
            at: (which % events.length) + delay + 0.5,
          })),
        ].sort((a, b) => a.at - b.at);
        const delivered = [...timed.map(({ event }) => event as ProfileChange), ...afterwards];
        expect(snapshot(applied(delivered))).toEqual(snapshot(applied(events)));
      }),
      { numRuns: 300 },
    );
  });

  it('resolves an identifier to the profile it now lives on, following merges, and to nothing once deleted', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const { events, homeOf } = historyOf(steps);
        const mirror = applied(events);
        for (const event of events) {
          if (event.kind !== 'profile.created') continue;
          const person = Number(event.profileId.slice(1));
          for (const identifier of event.identifiers)
            expect(mirror.resolve(identifierToken(identifier))).toBe(homeOf(person));
          if (homeOf(person) !== event.profileId)
            expect(mirror.survivorOf(event.profileId)).toBe(homeOf(person));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not bring back a deleted or merged-away profile when its creation is replayed', () => {
    fc.assert(
      fc.property(ops, (steps) => {
        const { events, gone } = historyOf(steps);
        const mirror = applied(events);
        const before = snapshot(mirror);
        for (const id of gone) {
          expect(
            mirror.apply({
              kind: 'profile.created',
              profileId: id,
              identifiers: [{ type: 'user_id', value: 'x' }],
            }),
          ).toEqual([]);
          expect(mirror.get(id)).toBeUndefined();
        }
        expect(snapshot(mirror)).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });

  it('follows a chain of merges to the last survivor', () => {
    const mirror = applied([
      { kind: 'profile.created', profileId: 'a', identifiers: [{ type: 'user_id', value: 'x' }] },
      { kind: 'profile.created', profileId: 'b', identifiers: [{ type: 'email', value: 'b@example.com' }] },
      { kind: 'profile.created', profileId: 'c', identifiers: [] },
      { kind: 'profile.merged', survivor: 'b', merged: ['a'] },
      { kind: 'profile.merged', survivor: 'c', merged: ['b'] },
    ]);
    expect(mirror.resolve('user_id:x')).toBe('c');
    expect(mirror.resolve('email:b@example.com')).toBe('c');
    expect(mirror.survivorOf('a')).toBe('c');
    expect(mirror.get('c')?.identifiers.map(identifierToken).sort()).toEqual([
      'email:b@example.com',
      'user_id:x',
    ]);
    expect(mirror.size).toBe(1);
  });

  it('answers the profiles to evaluate again, also for a change it had already applied', () => {
    const mirror = new ProfileMirror();
    const change: ProfileChange = {
      kind: 'profile.traits_changed',
      profileId: 'a',
      traits: { plan: 'pro' },
      changedKeys: ['plan'],
      version: 2,
    };
    expect(mirror.apply(change)).toEqual(['a']);
    const stale = { ...change, traits: { plan: 'free' }, version: 1 };
    expect(mirror.apply(stale)).toEqual(['a']);
    expect(mirror.get('a')?.traits).toEqual({ plan: 'pro' });
    expect(mirror.apply({ kind: 'profile.merged', survivor: 'b', merged: ['a'] })).toEqual(['b', 'a']);
  });
});
