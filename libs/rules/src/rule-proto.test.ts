import { InvalidArgument } from '@prism/errors';
import { Operator, Rule as ProtoRule } from '@prism/proto/prism/rules/v1/rule';
import { describe, expect, it } from 'vitest';
import type { Rule } from './rule.js';
import { ruleFromProto, ruleToProto } from './rule-proto.js';

const violations = (proto: ProtoRule, field?: string) => {
  try {
    ruleFromProto(proto, field);
  } catch (error) {
    if (error instanceof InvalidArgument) return error.violations;
    throw error;
  }
  throw new Error('expected InvalidArgument');
};

const traitNode = (key: string, operator: Operator, value?: unknown): ProtoRule => ({
  node: { $case: 'trait', value: { key, operator, value } },
});

const allOf = (...rules: ProtoRule[]): ProtoRule => ({ node: { $case: 'all', value: { rules } } });

describe('ruleToProto', () => {
  it('writes the proto3 JSON form the proto documents', () => {
    const rule: Rule = {
      all: [
        { trait: { key: 'age', operator: 'less_than', value: 40 } },
        { trait: { key: 'interests', operator: 'contains', value: 'running' } },
      ],
    };
    expect(ProtoRule.toJSON(ruleToProto(rule))).toEqual({
      all: {
        rules: [
          { trait: { key: 'age', operator: 'OPERATOR_LESS_THAN', value: 40 } },
          { trait: { key: 'interests', operator: 'OPERATOR_CONTAINS', value: 'running' } },
        ],
      },
    });
  });
});

describe('ruleFromProto', () => {
  it('reads a rule with every kind of node', () => {
    const proto = ProtoRule.fromJSON({
      any: {
        rules: [
          { not: { trait: { key: 'country', operator: 'OPERATOR_IN', value: ['DE', 'NL'] } } },
          {
            event: {
              event: 'Order Completed',
              where: [{ key: 'total', operator: 'OPERATOR_GREATER_THAN', value: 50 }],
              countOperator: 'OPERATOR_GREATER_OR_EQUAL',
              count: 2,
              withinDays: 30,
            },
          },
          { audience: { audienceKey: 'vip' } },
        ],
      },
    });
    expect(ruleFromProto(proto)).toEqual({
      any: [
        { not: { trait: { key: 'country', operator: 'in', value: ['DE', 'NL'] } } },
        {
          event: {
            event: 'Order Completed',
            where: [{ key: 'total', operator: 'greater_than', value: 50 }],
            countOperator: 'greater_or_equal',
            count: 2,
            withinDays: 30,
          },
        },
        { audience: { key: 'vip' } },
      ],
    });
  });

  it('names an unspecified or unknown operator by its proto field path', () => {
    const proto = allOf(
      traitNode('age', Operator.OPERATOR_EQUALS, 3),
      traitNode('age', Operator.OPERATOR_UNSPECIFIED),
    );
    expect(violations(proto)).toEqual([
      {
        field: 'rule.all.rules[1].trait.operator',
        description:
          'must be one of EQUALS, NOT_EQUALS, GREATER_THAN, GREATER_OR_EQUAL, LESS_THAN, LESS_OR_EQUAL, CONTAINS, EXISTS, IN (got 0)',
      },
    ]);
  });

  it('refuses an event count operator that is not a comparison, and a node that is not set', () => {
    const event: ProtoRule = {
      node: {
        $case: 'event',
        value: {
          event: 'Signed Up',
          where: [],
          countOperator: Operator.OPERATOR_IN,
          count: 1,
          withinDays: 0,
        },
      },
    };
    expect(violations({ node: { $case: 'not', value: allOf(event, {}) } }, 'spec.rule')).toEqual([
      {
        field: 'spec.rule.not.all.rules[0].event.count_operator',
        description: expect.stringContaining('(got 9)'),
      },
      {
        field: 'spec.rule.not.all.rules[1]',
        description: 'must set one of all, any, not, trait, event, audience',
      },
    ]);
  });

  it('reports what the rule schema refuses under proto paths', () => {
    const event: ProtoRule = {
      node: {
        $case: 'event',
        value: {
          event: 'Order Completed',
          where: [{ key: 'total', operator: Operator.OPERATOR_IN, value: [] }],
          countOperator: Operator.OPERATOR_EQUALS,
          count: 1,
          withinDays: -1,
        },
      },
    };
    expect(violations(allOf(traitNode('a..b', Operator.OPERATOR_EXISTS), event))).toEqual([
      { field: 'rule.all.rules[0].trait.key', description: 'must not have an empty path segment' },
      {
        field: 'rule.all.rules[1].event.where[0].value',
        description: 'must be a list of 1 to 100 strings, numbers or booleans',
      },
      { field: 'rule.all.rules[1].event.within_days', description: 'must be 0 (all history) or more' },
    ]);
  });

  it('names an invalid audience key by its proto field', () => {
    const audience: ProtoRule = { node: { $case: 'audience', value: { audienceKey: 'High Value' } } };
    expect(
      violations({
        node: { $case: 'not', value: allOf(traitNode('a', Operator.OPERATOR_EXISTS), audience) },
      }),
    ).toEqual([
      {
        field: 'rule.not.all.rules[1].audience.audience_key',
        description: 'must be 1 to 64 lowercase letters, digits or underscores, starting with a letter',
      },
    ]);
  });
});
