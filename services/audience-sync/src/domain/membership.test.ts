import { type EventCondition, matchesRule, type Rule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AudienceDefinition } from './audience.js';
import { evaluationOrder } from './dependencies.js';
import { eventTraitKey } from './event-traits.js';
import {
  applyChanges,
  type LiveAudience,
  type MembershipCause,
  recompute,
  reevaluate,
} from './membership.js';
import { type Identifier, identifierToken, type ProfileChange, ProfileMirror } from './profile-mirror.js';

const ordered: EventCondition = {
  event: 'Order Completed',
  where: [],
  countOperator: 'greater_or_equal',
  count: 2,
  withinDays: 30,
};
/** Counts the same events as `ordered`, so both read one computed trait. */
const neverOrdered: EventCondition = { ...ordered, countOperator: 'less_than', count: 1 };

/** A person's traits: the profile's custom traits, and their order count as the computed trait. */
interface Traits {
  plan?: string;
  age?: number;
  country?: string;
  orders?: number;
}
interface Person {
  id: string;
  identifiers: Identifier[];
  traits: Traits;
}

const traitsArb: fc.Arbitrary<Traits> = fc.record(
  {
    plan: fc.constantFrom('pro', 'free'),
    age: fc.integer({ min: 18, max: 60 }),
    country: fc.constantFrom('FR', 'DE', 'US'),
    orders: fc.nat(4),
  },
  { requiredKeys: [] },
);

const peopleArb: fc.Arbitrary<Person[]> = fc
  .array(fc.tuple(traitsArb, fc.boolean()), { minLength: 1, maxLength: 6 })
  .map((rows) =>
    rows.map(([traits, withEmail], index) => ({
      id: `p${index}`,
      identifiers: [
        { type: 'user_id', value: `u${index}` },
        ...(withEmail ? [{ type: 'email', value: `p${index}@example.com` }] : []),
      ],
      traits,
    })),
  );

const profileTraits = ({ plan, age, country, orders }: Traits): Record<string, unknown> => ({
  ...(plan !== undefined && { plan }),
  ...(age !== undefined && { age }),
  ...(country !== undefined && { address: { country } }),
  ...(orders !== undefined && { [eventTraitKey(ordered)]: orders }),
});
const TRAIT_KEYS = ['plan', 'age', 'address', eventTraitKey(ordered)];

let version = 0;
/** A person's traits as the profile service reports a change: every key, set or removed. */
function traitsChange(person: Person): ProfileChange {
  version += 1;
  const traits = profileTraits(person.traits);
  return { kind: 'profile.traits_changed', profileId: person.id, traits, changedKeys: TRAIT_KEYS, version };
}

function mirrorOf(people: readonly Person[]): ProfileMirror {
  const mirror = new ProfileMirror();
  for (const person of people) {
    mirror.apply({ kind: 'profile.created', profileId: person.id, identifiers: person.identifiers });
    mirror.apply(traitsChange(person));
  }
  return mirror;
}

const leaves = (earlier: string[]): fc.Arbitrary<Rule> =>
  fc.oneof(
    fc.constantFrom<Rule>(
      { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
      { trait: { key: 'age', operator: 'greater_or_equal', value: 30 } },
      { trait: { key: 'address.country', operator: 'in', value: ['FR', 'DE'] } },
      { trait: { key: 'plan', operator: 'exists' } },
      { event: ordered },
      { event: neverOrdered },
      { audience: { key: 'ghost' } },
    ),
    ...(earlier.length > 0 ? [fc.constantFrom(...earlier).map((key): Rule => ({ audience: { key } }))] : []),
  );

const rulesOver = (earlier: string[]): fc.Arbitrary<Rule> =>
  fc.letrec<{ rule: Rule }>((tie) => ({
    rule: fc.oneof(
      { maxDepth: 2, depthSize: 'small' },
      leaves(earlier),
      fc.array(tie('rule'), { maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('rule'), { maxLength: 3 }).map((any) => ({ any })),
      tie('rule').map((not) => ({ not })),
    ),
  })).rule;

const LISTED = ['p0', 'p3', 'user_id:u1', 'email:p2@example.com', 'email:p4@example.com', 'p9'];

/** Dynamic rules and static lists; each rule names only audiences made before it, so no cycle. Shuffled. */
const audiencesArb: fc.Arbitrary<AudienceDefinition[]> = fc
  .integer({ min: 1, max: 6 })
  .chain((size) =>
    fc.tuple(
      ...Array.from({ length: size }, (_, index) => {
        const earlier = Array.from({ length: index }, (_, other) => `aud_${other}`);
        return fc.oneof(
          { weight: 3, arbitrary: rulesOver(earlier).map((rule) => ({ kind: 'dynamic' as const, rule })) },
          {
            weight: 1,
            arbitrary: fc.subarray(LISTED).map((entries) => ({ kind: 'static' as const, entries })),
          },
        );
      }),
    ),
  )
  .map((specs) =>
    specs.map((spec, index) => ({
      id: `id-${index}`,
      key: `aud_${index}`,
      name: `Audience ${index}`,
      version: 1,
      ...spec,
    })),
  )
  .chain((definitions) => fc.shuffledSubarray(definitions, { minLength: definitions.length }));

/** The reference: each person's membership of each audience, by `matchesRule` over the person's own data. */
function expectedMembers(
  definitions: readonly AudienceDefinition[],
  people: readonly Person[],
): Record<string, string[]> {
  const isMember = (key: string, person: Person): boolean => {
    const definition = definitions.find((candidate) => candidate.key === key);
    if (!definition) return false;
    if (definition.kind === 'static')
      return [person.id, ...person.identifiers.map(identifierToken)].some((entry) =>
        definition.entries?.includes(entry),
      );
    return matchesRule(definition.rule as Rule, {
      traits: profileTraits(person.traits),
      countEvents: () => person.traits.orders ?? 0,
      isMemberOf: (other) => isMember(other, person),
    });
  };
  const members = (key: string) =>
    people.filter((person) => isMember(key, person)).map((person) => person.id);
  return Object.fromEntries(definitions.map(({ key }) => [key, members(key).sort()]));
}

const recomputing: MembershipCause = { kind: 'RECOMPUTE' };
const profileEvent: MembershipCause = { kind: 'PROFILE_EVENT', eventId: 'e1' };

/** Every audience recomputed in evaluation order from no members, as a new space starts. */
function recomputeAll(definitions: readonly AudienceDefinition[], mirror: ProfileMirror) {
  const audiences: LiveAudience[] = evaluationOrder(definitions).map((definition) => ({
    definition,
    members: new Map(),
  }));
  const byId = new Map(audiences.map((audience) => [audience.definition.id, audience]));
  const audienceRows = (key: string) => {
    const members = audiences.find((audience) => audience.definition.key === key)?.members;
    return members && mirror.index.rowsOf(members.keys());
  };
  for (const audience of audiences)
    applyChanges(byId, recompute(audience, mirror, audienceRows, recomputing, 1));
  return { audiences, byId };
}

const membersOf = (audiences: readonly LiveAudience[]) =>
  Object.fromEntries(
    audiences.map((audience) => [audience.definition.key, [...audience.members.keys()].sort()]),
  );

/** Applies profile events to the mirror and re-evaluates the profiles they name, as the engine does. */
function settle(live: ReturnType<typeof recomputeAll>, mirror: ProfileMirror, events: ProfileChange[]) {
  const profileIds = new Set(events.flatMap((event) => mirror.apply(event)));
  const changes = reevaluate(live.audiences, [...profileIds], mirror, () => profileEvent, 2);
  applyChanges(live.byId, changes);
  return changes;
}

const spaces = fc.record({ people: peopleArb, definitions: audiencesArb });
const withPair = spaces.chain((space) =>
  fc.record({
    space: fc.constant(space),
    from: fc.nat(space.people.length - 1),
    to: fc.nat(space.people.length - 1),
  }),
);

describe('audience membership', () => {
  it('recomputing every audience in evaluation order gives the members each profile matches', () => {
    fc.assert(
      fc.property(spaces, ({ people, definitions }) => {
        expect(membersOf(recomputeAll(definitions, mirrorOf(people)).audiences)).toEqual(
          expectedMembers(definitions, people),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('re-evaluating the changed profiles gives the members a recomputation from scratch would', () => {
    const changes = fc.array(fc.tuple(fc.nat(5), traitsArb), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(spaces, changes, ({ people, definitions }, edits) => {
        const mirror = mirrorOf(people);
        const live = recomputeAll(definitions, mirror);
        const now = people.map((person) => ({ ...person }));
        const changed = edits.map(([index, traits]) => {
          const person = now[index % now.length] as Person;
          person.traits = traits;
          return traitsChange(person);
        });
        const applied = settle(live, mirror, changed);
        const changedIds = edits.map(([index]) => (now[index % now.length] as Person).id);
        expect(membersOf(live.audiences)).toEqual(membersOf(recomputeAll(definitions, mirror).audiences));
        expect(membersOf(live.audiences)).toEqual(expectedMembers(definitions, now));
        expect(
          applied.every((change) => change.cause === profileEvent && changedIds.includes(change.profileId)),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('takes a merged-away member out silently wherever its survivor is a member', () => {
    fc.assert(
      fc.property(withPair, ({ space: { people, definitions }, from, to }) => {
        fc.pre(from !== to);
        const [merged, survivor] = [people[from] as Person, people[to] as Person];
        const mirror = mirrorOf(people);
        const live = recomputeAll(definitions, mirror);
        const changes = settle(live, mirror, [
          { kind: 'profile.merged', survivor: survivor.id, merged: [merged.id] },
        ]);
        for (const change of changes.filter((change) => change.profileId === merged.id)) {
          const audience = live.byId.get(change.audienceId) as LiveAudience;
          expect(change.entered).toBe(false);
          expect(change.silent ?? false).toBe(audience.members.has(survivor.id));
        }
        expect(membersOf(live.audiences)).toEqual(membersOf(recomputeAll(definitions, mirror).audiences));
      }),
      { numRuns: 300 },
    );
  });

  it('publishes nothing for a merge of two members of an audience', () => {
    const people: Person[] = [
      { id: 'a', identifiers: [{ type: 'user_id', value: 'a' }], traits: { plan: 'pro' } },
      { id: 'b', identifiers: [{ type: 'email', value: 'b@example.com' }], traits: { plan: 'pro' } },
    ];
    const rule: Rule = { trait: { key: 'plan', operator: 'equals', value: 'pro' } };
    const mirror = mirrorOf(people);
    const live = recomputeAll(
      [{ id: 'id-pro', key: 'pro', name: 'Pro', kind: 'dynamic', version: 1, rule }],
      mirror,
    );
    const changes = settle(live, mirror, [{ kind: 'profile.merged', survivor: 'a', merged: ['b'] }]);
    expect(changes).toEqual([
      { audienceId: 'id-pro', profileId: 'b', entered: false, at: 2, cause: profileEvent, silent: true },
    ]);
    expect(membersOf(live.audiences)).toEqual({ pro: ['a'] });
  });

  it('takes a deleted member out of every audience it was in, visibly, and no one else', () => {
    fc.assert(
      fc.property(withPair, ({ space: { people, definitions }, from }) => {
        const deleted = people[from] as Person;
        const mirror = mirrorOf(people);
        const live = recomputeAll(definitions, mirror);
        const before = live.audiences
          .filter((audience) => audience.members.has(deleted.id))
          .map((audience) => audience.definition.id);
        const changes = settle(live, mirror, [{ kind: 'profile.deleted', profileId: deleted.id }]);
        expect(changes.map((change) => change.audienceId).sort()).toEqual(before.sort());
        for (const change of changes) expect(change).toMatchObject({ profileId: deleted.id, entered: false });
        expect(changes.some((change) => change.silent)).toBe(false);
        expect(live.audiences.some((audience) => audience.members.has(deleted.id))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
