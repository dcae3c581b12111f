import { describe, expect, it } from 'vitest';
import {
  type EventCondition,
  MAX_RULE_DEPTH,
  MAX_RULE_NODES,
  matchesRule,
  type Rule,
  ruleSchema,
  type TraitCondition,
} from './rule.js';

const trait = (key: string, operator: TraitCondition['operator'], value?: TraitCondition['value']): Rule => ({
  trait: value === undefined ? { key, operator } : { key, operator, value },
});

const ordered = (countOperator: EventCondition['countOperator'], count: number): EventCondition => ({
  event: 'Order Completed',
  where: [],
  countOperator,
  count,
  withinDays: 90,
});
const orders = (countOperator: EventCondition['countOperator'], count: number): Rule => ({
  event: ordered(countOperator, count),
});

const traits = { age: 31, interests: ['running', 'yoga'], country: 'NL', plan: 'premium' };

describe('matchesRule', () => {
  it('evaluates trait conditions as matchesCondition does', () => {
    expect(matchesRule(trait('age', 'greater_or_equal', '31'), { traits })).toBe(true);
    expect(matchesRule(trait('interests', 'contains', 'running'), { traits })).toBe(true);
    expect(matchesRule(trait('plan', 'contains', 'PREM'), { traits })).toBe(true);
    expect(matchesRule(trait('income', 'less_than', 10), { traits })).toBe(false);
    expect(matchesRule(trait('income', 'not_equals', 10), { traits })).toBe(true);
  });

  it('reads in as equals one of the values, or for a list trait as holding one of them', () => {
    expect(matchesRule(trait('country', 'in', ['DE', 'NL']), { traits })).toBe(true);
    expect(matchesRule(trait('age', 'in', ['31', 40]), { traits })).toBe(true);
    expect(matchesRule(trait('plan', 'in', ['prem']), { traits })).toBe(false);
    expect(matchesRule(trait('interests', 'in', ['golf', 'yoga']), { traits })).toBe(true);
    expect(matchesRule(trait('interests', 'in', ['golf']), { traits })).toBe(false);
    expect(matchesRule(trait('income', 'in', ['a']), { traits })).toBe(false);
  });

  it('combines with all, any and not', () => {
    const young = trait('age', 'less_than', 40);
    const golfer = trait('interests', 'contains', 'golf');
    expect(matchesRule({ all: [young, { not: golfer }] }, { traits })).toBe(true);
    expect(matchesRule({ any: [golfer, { not: young }] }, { traits })).toBe(false);
  });

  it('counts events through countEvents, and refuses to guess without it', () => {
    const countEvents = (condition: EventCondition) => (condition.event === 'Order Completed' ? 3 : 0);
    expect(matchesRule(orders('greater_or_equal', 3), { traits, countEvents })).toBe(true);
    expect(matchesRule(orders('less_than', 3), { traits, countEvents })).toBe(false);
    expect(() => matchesRule(orders('equals', 0), { traits })).toThrow(/needs the profile's events/);
  });

  it('asks isMemberOf about audience conditions, and refuses to guess without it', () => {
    const vip: Rule = { audience: { key: 'vip' } };
    const isMemberOf = (key: string) => key === 'vip';
    expect(matchesRule(vip, { traits, isMemberOf })).toBe(true);
    expect(matchesRule({ audience: { key: 'churned' } }, { traits, isMemberOf })).toBe(false);
    expect(() => matchesRule({ not: vip }, { traits })).toThrow(
      'the rule has an audience condition on "vip": evaluating it needs the profile\'s audience memberships (isMemberOf)',
    );
  });
});

describe('ruleSchema', () => {
  const issues = (input: unknown) =>
    ruleSchema.safeParse(input).error?.issues.map(({ path, message }) => ({ path, message }));

  it('accepts a valid rule and defaults an event condition’s where and window', () => {
    const rule = { all: [trait('country', 'in', ['DE']), { event: ordered('equals', 1) }] };
    expect(ruleSchema.parse(rule)).toEqual(rule);
    expect(
      ruleSchema.parse({ event: { event: 'Signed Up', countOperator: 'greater_than', count: 0 } }),
    ).toEqual({
      event: { event: 'Signed Up', where: [], countOperator: 'greater_than', count: 0, withinDays: 0 },
    });
  });

  it.each([
    [trait('a', 'in', []), 'must be a list of 1 to 100 strings, numbers or booleans'],
    [trait('a', 'in', ['x', ['y']]), 'must be a list of 1 to 100 strings, numbers or booleans'],
    [trait('a', 'in', 'x'), 'must be a list of 1 to 100 strings, numbers or booleans'],
    [trait('a', 'greater_than', 'soon'), 'must be a number, a numeric string or an ISO date'],
    [trait('a', 'exists', 'yes'), 'must be a boolean or unset'],
  ])('rejects the value of %j with the conditions’ checks', (rule, message) => {
    expect(issues({ any: [trait('b', 'exists'), rule] })).toEqual([
      { path: ['any', 1, 'trait', 'value'], message },
    ]);
  });

  it('rejects nodes that set no kind or several', () => {
    expect(issues({ not: {} })).toEqual([
      { path: ['not'], message: 'must set exactly one of all, any, not, trait, event, audience' },
    ]);
    expect(issues({ all: [], any: [] })?.[0]?.path).toEqual([]);
  });

  it.each(['vip', 'a', `v${'x'.repeat(63)}`, 'runners_2024'])('accepts the audience key %s', (key) => {
    expect(ruleSchema.parse({ audience: { key } })).toEqual({ audience: { key } });
  });

  it.each(['', 'VIP', '2024_runners', '_vip', 'high-value', 'vip ', `v${'x'.repeat(64)}`])(
    'rejects the audience key %j',
    (key) => {
      expect(issues({ all: [{ audience: { key } }] })).toEqual([
        {
          path: ['all', 0, 'audience', 'key'],
          message: 'must be 1 to 64 lowercase letters, digits or underscores, starting with a letter',
        },
      ]);
    },
  );

  it('rejects invalid counts, windows and event count operators', () => {
    const event = { event: ' ', where: [], countOperator: 'contains', count: -1, withinDays: 4000 };
    expect(issues({ event })?.map(({ path }) => path.join('.'))).toEqual([
      'event.event',
      'event.countOperator',
      'event.count',
      'event.withinDays',
    ]);
  });

  it('limits depth and size before walking the tree', () => {
    let deep: Rule = trait('a', 'exists');
    for (let level = 1; level < MAX_RULE_DEPTH; level++) deep = { not: deep };
    expect(ruleSchema.safeParse(deep).success).toBe(true);
    expect(issues({ not: deep })).toEqual([{ path: [], message: 'must nest at most 8 levels deep' }]);
    const wide = { any: Array.from({ length: MAX_RULE_NODES }, () => trait('a', 'exists')) };
    expect(issues(wide)).toEqual([{ path: [], message: 'must have at most 200 nodes' }]);
    const audiences = { any: Array.from({ length: MAX_RULE_NODES }, () => ({ audience: { key: 'vip' } })) };
    expect(issues(audiences)).toEqual([{ path: [], message: 'must have at most 200 nodes' }]);
  });
});
