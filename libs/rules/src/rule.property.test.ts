import { Rule as ProtoRule } from '@prism/proto/prism/rules/v1/rule';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Json, matchesCondition, valueAtPath } from './conditions.js';
import { matchesRule, type Rule, type RuleSubject, ruleSchema } from './rule.js';
import { ruleFromProto, ruleToProto } from './rule-proto.js';
import { rules, subjects, traitCondition } from './test-support.js';

const equalsOrHolds = (traits: RuleSubject['traits'], key: string) =>
  Array.isArray(valueAtPath(traits, key)) ? 'contains' : 'equals';

const same = (a: Rule, b: Rule, subject: RuleSubject) => matchesRule(a, subject) === matchesRule(b, subject);

describe('rules', () => {
  it('are valid as generated here', () => {
    fc.assert(fc.property(rules, (rule) => ruleSchema.safeParse(rule).success));
  });

  it('read back from their proto as themselves, also through the wire', () => {
    fc.assert(
      fc.property(rules, (rule) => {
        expect(ruleFromProto(ruleToProto(rule))).toEqual(rule);
        const wire = ProtoRule.decode(ProtoRule.encode(ruleToProto(rule)).finish());
        expect(ruleFromProto(wire)).toEqual(rule);
      }),
      { numRuns: 300 },
    );
  });

  it('match trait conditions as matchesCondition does, and in as any of its values', () => {
    fc.assert(
      fc.property(traitCondition, subjects, (condition, { traits }) => {
        const { key, operator, value } = condition;
        const expected =
          operator === 'in'
            ? (value as Json[]).some((item) =>
                matchesCondition(traits, { key, operator: equalsOrHolds(traits, key), value: item }),
              )
            : matchesCondition(traits, { key, operator, value });
        expect(matchesRule({ trait: condition }, { traits })).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('match an audience condition exactly when the subject is a member', () => {
    fc.assert(
      fc.property(fc.constantFrom('vip', 'churn_risk'), subjects, (key, subject) => {
        expect(matchesRule({ audience: { key } }, subject)).toBe(subject.isMemberOf(key));
      }),
    );
  });

  it('match the same subjects when negated twice', () => {
    fc.assert(fc.property(rules, subjects, (rule, subject) => same({ not: { not: rule } }, rule, subject)));
  });

  it('match everyone with an empty all and nobody with an empty any', () => {
    fc.assert(
      fc.property(
        subjects,
        (subject) => matchesRule({ all: [] }, subject) && !matchesRule({ any: [] }, subject),
      ),
    );
  });

  it('follow De Morgan', () => {
    const negated = (children: Rule[]) => children.map((not) => ({ not }));
    fc.assert(
      fc.property(fc.array(rules, { maxLength: 4 }), subjects, (children, subject) => {
        expect(same({ not: { all: children } }, { any: negated(children) }, subject)).toBe(true);
        expect(same({ not: { any: children } }, { all: negated(children) }, subject)).toBe(true);
      }),
    );
  });
});
