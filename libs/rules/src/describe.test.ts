import { describe, expect, it } from 'vitest';
import { describeRule } from './describe.js';
import type { EventCondition, Rule, TraitCondition } from './rule.js';

const trait = (key: string, operator: TraitCondition['operator'], value?: TraitCondition['value']): Rule => ({
  trait: value === undefined ? { key, operator } : { key, operator, value },
});

const orders = (countOperator: EventCondition['countOperator'], count: number): Rule => ({
  event: { event: 'Order Completed', where: [], countOperator, count, withinDays: 90 },
});

describe('describeRule', () => {
  it('reads like the rule', () => {
    const rule: Rule = {
      any: [
        { all: [trait('age', 'greater_or_equal', 25), trait('interests', 'contains', 'running')] },
        { all: [trait('country', 'in', ['DE', 'NL']), { not: trait('interests', 'in', ['golf']) }] },
        { not: { any: [trait('gender', 'exists'), trait('plan', 'not_equals', 'free')] } },
      ],
    };
    expect(describeRule(rule)).toBe(
      '(age ≥ 25 and interests contains "running") or (country in ["DE", "NL"] and interests not in ["golf"])' +
        ' or not (gender is known or plan ≠ "free")',
    );
  });

  it('names the audiences a rule holds members of', () => {
    const vip: Rule = { audience: { key: 'vip' } };
    expect(describeRule({ all: [vip, { not: { audience: { key: 'churn_risk' } } }] })).toBe(
      'member of audience vip and not member of audience churn_risk',
    );
    expect(describeRule({ not: { all: [vip, trait('age', 'exists')] } })).toBe(
      'not (member of audience vip and age is known)',
    );
  });

  it('names the empty groups and renders event conditions', () => {
    expect(describeRule({ all: [] })).toBe('everyone');
    expect(describeRule({ any: [] })).toBe('nobody');
    expect(describeRule({ all: [{ any: [trait('a', 'exists', false)] }, orders('greater_than', 2)] })).toBe(
      'a is unknown and count("Order Completed", last 90 days) > 2',
    );
    const filtered: Rule = {
      event: {
        event: 'Page Viewed',
        where: [{ key: 'path', operator: 'contains', value: '/deals' }],
        countOperator: 'greater_or_equal',
        count: 1,
        withinDays: 0,
      },
    };
    expect(describeRule({ not: { not: filtered } })).toBe(
      'not (not (count("Page Viewed" where path contains "/deals") ≥ 1))',
    );
  });
});
