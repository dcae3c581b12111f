import { Rule as ProtoRule } from '@prism/proto/prism/rules/v1/rule';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Json, matchesCondition, valueAtPath } from './conditions.js';
import {
  COUNT_OPERATORS,
  type EventCondition,
  matchesRule,
  type Rule,
  type RuleSubject,
  ruleSchema,
  type TraitCondition,
} from './rule.js';
import { ruleFromProto, ruleToProto } from './rule-proto.js';

const keys = fc.constantFrom('age', 'plan', 'interests', 'product.price');
/** Strings equal under the conditions without being identical: numbers, dates, case. */
const text = fc.constantFrom('running', 'Running', 'golf', '42', '042', '2024-05-01', '2024-05-01T00:00:00Z');
const number = fc.oneof(fc.integer({ min: -100, max: 100 }), fc.double({ min: -100, max: 100, noNaN: true }));
/** Zero only as +0: proto `Value` and `toEqual` would not keep −0 apart from it. */
const scalar = fc.oneof(
  text,
  number.map((value) => value + 0),
  fc.boolean(),
);

const traitCondition: fc.Arbitrary<TraitCondition> = fc.oneof(
  fc.record({ key: keys, operator: fc.constantFrom('equals', 'not_equals' as const), value: scalar }),
  fc.record({
    key: keys,
    operator: fc.constantFrom('greater_than', 'greater_or_equal', 'less_than', 'less_or_equal' as const),
    value: fc.oneof(
      number.map((value) => value + 0),
      fc.constant('2024-05-01'),
    ),
  }),
  fc.record({ key: keys, operator: fc.constant('contains' as const), value: scalar }),
  fc.record(
    { key: keys, operator: fc.constant('exists' as const), value: fc.boolean() },
    { requiredKeys: ['key', 'operator'] },
  ),
  fc.record({
    key: keys,
    operator: fc.constant('in' as const),
    value: fc.array(scalar, { minLength: 1, maxLength: 4 }),
  }),
);

const eventCondition: fc.Arbitrary<EventCondition> = fc.record({
  event: fc.constantFrom('Order Completed', 'Page Viewed'),
  where: fc.array(traitCondition, { maxLength: 2 }),
  countOperator: fc.constantFrom(...COUNT_OPERATORS),
  count: fc.nat(5),
  withinDays: fc.constantFrom(0, 7, 30),
});

/** Valid rules: at most 4 levels and a few children per group, so well inside the limits. */
const anyRule = (leaf: fc.Arbitrary<Rule>) =>
  fc.letrec<{ rule: Rule }>((tie) => ({
    rule: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      leaf,
      fc.array(tie('rule'), { maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('rule'), { maxLength: 3 }).map((any) => ({ any })),
      tie('rule').map((not) => ({ not })),
    ),
  })).rule;

const traitLeaf = traitCondition.map((trait) => ({ trait }));
const rules = anyRule(
  fc.oneof(
    traitLeaf,
    eventCondition.map((event) => ({ event })),
  ),
);

const subjects: fc.Arbitrary<RuleSubject> = fc
  .record(
    {
      age: fc.oneof(number, fc.constant('31'), fc.constant(null)),
      plan: fc.oneof(text, fc.boolean()),
      interests: fc.oneof(fc.array(scalar, { maxLength: 3 }), text),
      product: fc.record({ price: fc.oneof(number, text) }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  )
  .chain((traits) =>
    fc
      .func(fc.nat(6))
      .map((count) => ({ traits, countEvents: (condition: EventCondition) => count(condition.event) })),
  );

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
