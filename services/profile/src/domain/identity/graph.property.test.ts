import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrackingMessage } from '../tracking-message.js';
import { identifierKey, identifiersOf } from './identifier.js';
import { parseIdentityRules } from './rules.js';
import { message, partition, resolveAll, sortedGroups, testGraph } from './test-support.js';

// Small pools, so that events often share identifiers. "null" is blocked by default. User ids and
// anonymous ids never share a value, so an alias's previousId is always read as an anonymous_id.
const userId = fc.constantFrom('u1', 'u2', 'u3', 'null');
const anonymousId = fc.constantFrom('a1', 'a2', 'a3', 'a4');
const email = fc.constantFrom('e1@x.com', ' E1@X.com', 'e2@x.com', 'e3@x.com');

const identify = fc
  .record(
    { userId, anonymousId, email },
    { requiredKeys: [] }, // any subset of the three, including none
  )
  .map(({ email, ...ids }) => message({ type: 'identify', ...ids, traits: email ? { email } : {} }));
const alias = fc.record({ previousId: anonymousId, userId }).map((ids) => message({ type: 'alias', ...ids }));

/** A list of events together with a reordering of it. */
const twoOrders = fc
  .array(fc.oneof(identify, alias), { maxLength: 10 })
  .chain((events) =>
    fc.tuple(
      fc.constant(events),
      fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
    ),
  );

const unlimited = parseIdentityRules({
  limits: { user_id: 0, email: 0, phone: 0, anonymous_id: 0 },
  customLimit: 0,
  maxMergesPerProfile: 0,
});
const tight = parseIdentityRules({ limits: { email: 2, anonymous_id: 2 }, maxMergesPerProfile: 2 });

function finalPartition(events: readonly TrackingMessage[], rules = unlimited): string[][] {
  const graph = testGraph();
  resolveAll(graph, events, rules);
  return partition(graph);
}

/** The expected answer without limits: identifiers linked by sharing an event, transitively. */
function connectedIdentifiers(events: readonly TrackingMessage[]): string[][] {
  const parent = new Map<string, string>();
  const root = (key: string): string => {
    const up = parent.get(key) ?? key;
    return up === key ? key : root(up);
  };
  for (const event of events) {
    const keys = identifiersOf(event)
      .filter((identifier) => !unlimited.isBlocked(identifier))
      .map(identifierKey);
    for (const key of keys) parent.set(root(key), root(keys[0]!));
  }
  const groups = new Map<string, string[]>();
  for (const key of parent.keys()) groups.set(root(key), [...(groups.get(root(key)) ?? []), key]);
  return sortedGroups([...groups.values()]);
}

describe('identity graph, over any order of events', () => {
  // Holds only while no limit and no merge cap is hit (here: none are set) and no alias previousId is
  // also used as a userId. Then resolution is a union of the identifiers each event links, which is
  // commutative. A limit or the cap makes the first-come event win (Segment's model is incremental and
  // never revisits a demotion), so the partition then depends on the order: see the test below.
  it('ends with the same partition of identifiers into profiles for any permutation of identify/alias events, when no limit or merge cap is hit', () => {
    fc.assert(
      fc.property(twoOrders, ([events, reordered]) => {
        const expected = connectedIdentifiers(events);
        expect(finalPartition(events)).toEqual(expected);
        expect(finalPartition(reordered)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('depends on the order once a limit is hit: the first user_id on an anonymous_id keeps it', () => {
    const first = message({ userId: 'u1', anonymousId: 'a1' });
    const second = message({ userId: 'u2', anonymousId: 'a1' });
    const rules = parseIdentityRules();
    expect(finalPartition([first, second], rules)).toEqual([
      ['anonymous_id:a1', 'user_id:u1'],
      ['user_id:u2'],
    ]);
    expect(finalPartition([second, first], rules)).toEqual([
      ['anonymous_id:a1', 'user_id:u2'],
      ['user_id:u1'],
    ]);
  });

  it('never lets a profile exceed a limit or the merge cap, in any order', () => {
    fc.assert(
      fc.property(twoOrders, ([, reordered]) => {
        const graph = testGraph();
        resolveAll(graph, reordered, tight);
        for (const profile of graph.profiles()) {
          expect(profile.mergeCount).toBeLessThanOrEqual(2);
          for (const { type } of profile.identifiers) {
            const ofType = profile.identifiers.filter((identifier) => identifier.type === type);
            expect(ofType.length).toBeLessThanOrEqual(tight.limitOf(type));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
