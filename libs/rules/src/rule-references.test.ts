import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EventCondition, matchesRule, type Rule, type RuleSubject } from './rule.js';
import { audienceKeysOf, eventConditionsOf, traitKeysOf } from './rule-references.js';
import { rules, subjects } from './test-support.js';

const signedUp = {
  event: 'Signed Up',
  where: [],
  countOperator: 'greater_than',
  count: 0,
  withinDays: 0,
} satisfies EventCondition;
const ordered = {
  event: 'Order Completed',
  where: [{ key: 'total', operator: 'greater_than', value: 50 }],
  countOperator: 'greater_or_equal',
  count: 2,
  withinDays: 30,
} satisfies EventCondition;

const rule: Rule = {
  any: [
    { audience: { key: 'vip' } },
    { all: [{ trait: { key: 'age', operator: 'less_than', value: 40 } }, { event: ordered }] },
    {
      not: { any: [{ audience: { key: 'churn_risk' } }, { audience: { key: 'vip' } }, { event: signedUp }] },
    },
    { trait: { key: 'address.city', operator: 'equals', value: 'Utrecht' } },
    { trait: { key: 'age', operator: 'exists' } },
  ],
};

describe('what a rule refers to', () => {
  it('lists the audiences it names once each, in the order written', () => {
    expect(audienceKeysOf(rule)).toEqual(['vip', 'churn_risk']);
    expect(audienceKeysOf({ all: [] })).toEqual([]);
  });

  it('lists every event condition in the order written', () => {
    expect(eventConditionsOf(rule)).toEqual([ordered, signedUp]);
    expect(eventConditionsOf({ all: [{ event: signedUp }, { not: { event: signedUp } }] })).toEqual([
      signedUp,
      signedUp,
    ]);
  });

  it('lists the profile traits its trait conditions name, not the event properties they filter on', () => {
    expect(traitKeysOf(rule)).toEqual(['age', 'address.city']);
  });

  it('is all that evaluating the rule consults', () => {
    fc.assert(
      fc.property(rules, subjects, (rule, subject) => {
        const audiences = new Set(audienceKeysOf(rule));
        const events = new Set(eventConditionsOf(rule));
        const named = new Set(traitKeysOf(rule).flatMap((key) => [key, key.split('.')[0]]));
        const narrowed: RuleSubject = {
          traits: Object.fromEntries(Object.entries(subject.traits).filter(([name]) => named.has(name))),
          countEvents: (condition) => {
            expect(events.has(condition)).toBe(true);
            return subject.countEvents(condition);
          },
          isMemberOf: (key) => {
            expect(audiences.has(key)).toBe(true);
            return subject.isMemberOf(key);
          },
        };
        expect(matchesRule(rule, narrowed)).toBe(matchesRule(rule, subject));
      }),
      { numRuns: 500 },
    );
  });
});
