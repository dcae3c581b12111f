import fc from 'fast-check';
import {
  COUNT_OPERATORS,
  type EventCondition,
  type Rule,
  type RuleSubject,
  type TraitCondition,
} from './rule.js';

/** Generators of valid rules and of subjects to evaluate them for, shared by the property tests. */

const keys = fc.constantFrom('age', 'plan', 'interests', 'product.price');
/** Strings equal under the conditions without being identical: numbers, dates, case. */
export const text = fc.constantFrom(
  'running',
  'Running',
  'golf',
  '42',
  '042',
  '2024-05-01',
  '2024-05-01T00:00:00Z',
);
export const number = fc.oneof(
  fc.integer({ min: -100, max: 100 }),
  fc.double({ min: -100, max: 100, noNaN: true }),
);
/** Zero only as +0: proto `Value` and `toEqual` would not keep −0 apart from it. */
export const scalar = fc.oneof(
  text,
  number.map((value) => value + 0),
  fc.boolean(),
);

export const traitCondition: fc.Arbitrary<TraitCondition> = fc.oneof(
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

const audienceKeys = fc.constantFrom('vip', 'churn_risk', 'runners_2024');

/** Valid rules: at most 4 levels and a few children per group, so well inside the limits. */
export const rules: fc.Arbitrary<Rule> = fc.letrec<{ rule: Rule }>((tie) => ({
  rule: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc.oneof(
      traitCondition.map((trait) => ({ trait })),
      eventCondition.map((event) => ({ event })),
      audienceKeys.map((key) => ({ audience: { key } })),
    ),
    fc.array(tie('rule'), { maxLength: 3 }).map((all) => ({ all })),
    fc.array(tie('rule'), { maxLength: 3 }).map((any) => ({ any })),
    tie('rule').map((not) => ({ not })),
  ),
})).rule;

/** Subjects with any of the traits the rules name, and random (but fixed) counts and memberships. */
export const subjects: fc.Arbitrary<Required<RuleSubject>> = fc
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
      .record({ count: fc.func(fc.nat(6)), isMemberOf: fc.func(fc.boolean()) })
      .map(({ count, isMemberOf }) => ({
        traits,
        countEvents: (condition: EventCondition) => count(condition.event),
        isMemberOf,
      })),
  );
