import { describeRule, type TraitCondition } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { ruleFromPaths } from './simplify.js';
import type { Literal } from './tree.js';

const literal = (
  key: string,
  operator: TraitCondition['operator'],
  value: TraitCondition['value'],
  holds = true,
) => ({
  condition: { key, operator, value },
  holds,
  matches: () => holds,
});
const atLeast = (key: string, value: number, holds = true): Literal =>
  literal(key, 'greater_or_equal', value, holds);
const below = (key: string, value: number, holds = true): Literal => literal(key, 'less_than', value, holds);
const oneOf = (key: string, values: string[], holds = true): Literal =>
  values.length === 1 ? literal(key, 'equals', values[0], holds) : literal(key, 'in', values, holds);
const holds = (value: string, held = true): Literal => literal('interests', 'contains', value, held);

const read = (...paths: Literal[][]) => describeRule(ruleFromPaths(paths));

describe('ruleFromPaths', () => {
  it('keeps the tightest bounds of a trait', () => {
    expect(read([atLeast('age', 25), atLeast('age', 40, false), atLeast('age', 30), below('age', 60)])).toBe(
      'age ≥ 30 and age < 40',
    );
  });

  it('keeps a failed ordering as a negation unless another condition needs the trait to be a number', () => {
    expect(read([atLeast('age', 40, false), below('orders', 2, false)])).toBe(
      'not (age ≥ 40) and not (orders < 2)',
    );
    expect(read([atLeast('age', 40, false), atLeast('age', 60, false)])).toBe('not (age ≥ 40)');
    expect(read([atLeast('age', 40, false), below('age', 20, false)])).toBe(
      'not (age ≥ 40) and not (age < 20)',
    );
  });

  it('narrows levels to those every condition allows', () => {
    expect(read([oneOf('country', ['BE', 'DE', 'NL']), oneOf('country', ['NL'], false)])).toBe(
      'country in ["BE", "DE"]',
    );
    expect(read([oneOf('country', ['BE', 'DE']), oneOf('country', ['DE', 'NL'])])).toBe('country = "DE"');
    expect(read([oneOf('country', ['BE', 'DE'], false), oneOf('country', ['NL'], false)])).toBe(
      'country not in ["BE", "DE", "NL"]',
    );
    expect(read([oneOf('country', ['NL'], false)])).toBe('country ≠ "NL"');
  });

  it('keeps each flag once, held or not', () => {
    expect(read([holds('running'), holds('golf', false), holds('running')])).toBe(
      'interests contains "running" and interests does not contain "golf"',
    );
  });

  it('drops branches a more general one implies, and pulls out what every branch shares', () => {
    const urban = oneOf('settlement', ['urban']);
    expect(read([urban, holds('running')], [urban], [urban, holds('running')])).toBe('settlement = "urban"');
    expect(read([urban, holds('running')], [holds('yoga'), urban, atLeast('age', 30)])).toBe(
      'settlement = "urban" and (interests contains "running" or (interests contains "yoga" and age ≥ 30))',
    );
  });

  it('matches nobody without branches, and everyone from a branch without conditions', () => {
    expect(ruleFromPaths([])).toEqual({ any: [] });
    expect(ruleFromPaths([[], [holds('running')]])).toEqual({ all: [] });
  });
});
