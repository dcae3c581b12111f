import { countFromTraits } from '@prism/audience-sync/domain/event-traits.js';
import { type CountOperator, matchesRule, type Rule } from '@prism/rules';
import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { COUNTED_RULE, generateProfiles, HAS_ORDERED, liveAudiences, trait } from './audience-index-data.js';
import { mongoQueryOf } from './audience-index-query.js';

const { profiles } = generateProfiles(2_000);

const countedByRules = (rule: Rule) =>
  profiles.filter(({ traits }) =>
    matchesRule(rule, { traits, countEvents: (condition) => countFromTraits(traits, condition) }),
  ).length;

const countedByMingo = (rule: Rule) => {
  const query = new Query(mongoQueryOf(rule), {});
  return profiles.filter(({ traits }) => query.test(traits)).length;
};

describe('a rule as a Mongo query, evaluated by mingo over the profiles', () => {
  it("counts the benchmark rule's profiles as matchesRule does, a sizable share of them", () => {
    const expected = countedByRules(COUNTED_RULE);
    expect(expected).toBeGreaterThan(profiles.length * 0.05);
    expect(expected).toBeLessThan(profiles.length * 0.5);
    expect(countedByMingo(COUNTED_RULE)).toBe(expected);
  });

  it("counts each live audience's profiles as matchesRule does", () => {
    for (const { key, rule } of liveAudiences(100))
      expect(countedByMingo(rule), key).toBe(countedByRules(rule));
  });

  it('counts a profile without orders as 0 orders (its computed trait is absent)', () => {
    const counts: [CountOperator, number][] = [
      ['less_than', 2],
      ['equals', 0],
      ['not_equals', 1],
      ['less_or_equal', 0],
      ['greater_than', 1],
    ];
    for (const [countOperator, count] of counts) {
      const rule: Rule = { event: { ...HAS_ORDERED, countOperator, count } };
      expect(countedByMingo(rule), `${countOperator} ${count}`).toBe(countedByRules(rule));
    }
    expect(countedByRules({ event: { ...HAS_ORDERED, countOperator: 'equals', count: 0 } })).toBeGreaterThan(
      0,
    );
  });

  it('matches every profile for an empty all and none for an empty any', () => {
    expect(countedByMingo({ all: [] })).toBe(profiles.length);
    expect(countedByMingo({ any: [] })).toBe(0);
    expect(countedByMingo({ not: trait('country', 'equals', 'DE') })).toBe(
      countedByRules({ not: trait('country', 'equals', 'DE') }),
    );
  });

  it('refuses an audience condition: memberships are not in the documents', () => {
    expect(() => mongoQueryOf({ audience: { key: 'vip' } })).toThrow(/memberships/);
  });
});
