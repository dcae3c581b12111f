import { describe, expect, it } from 'vitest';
import { type Condition, conditionSchema, matchesCondition } from './conditions.js';

const subject = {
  total: 42.5,
  quantity: '3',
  plan: 'Premium',
  active: true,
  missing: null,
  tags: ['sale', 'new', 7],
  product: { category: 'Shoes', price: '19.99' },
  'dotted.key': 'exact',
  signed_up: '2024-05-01T10:00:00Z',
  birthday: '1990-02-03',
};

const matches = (key: string, operator: Condition['operator'], value?: Condition['value']) =>
  matchesCondition(subject, { key, operator, value });

describe('matchesCondition', () => {
  it('compares numbers and numeric strings numerically', () => {
    expect(matches('total', 'greater_than', 42)).toBe(true);
    expect(matches('total', 'less_or_equal', '42.5')).toBe(true);
    expect(matches('quantity', 'equals', 3)).toBe(true);
    expect(matches('quantity', 'greater_or_equal', '10')).toBe(false);
    expect(matches('product.price', 'less_than', 20)).toBe(true);
  });

  it('compares ISO dates as instants, reading a date-time without offset as UTC', () => {
    expect(matches('signed_up', 'greater_than', '2024-05-01')).toBe(true);
    expect(matches('signed_up', 'equals', '2024-05-01T12:00:00+02:00')).toBe(true);
    expect(matches('signed_up', 'less_than', '2024-05-01T10:00:01')).toBe(true);
    expect(matches('birthday', 'less_than', '1990-02-03T00:00:01Z')).toBe(true);
  });

  it('does not order plain strings or mix numbers with dates', () => {
    expect(matches('plan', 'greater_than', 'A')).toBe(false);
    expect(matches('total', 'greater_than', '2024-01-01')).toBe(false);
  });

  it('matches equals exactly and case-sensitively on strings and booleans', () => {
    expect(matches('plan', 'equals', 'Premium')).toBe(true);
    expect(matches('plan', 'equals', 'premium')).toBe(false);
    expect(matches('active', 'equals', true)).toBe(true);
    expect(matches('active', 'equals', 'true')).toBe(false);
  });

  it('reads dotted paths, an exact dotted key winning', () => {
    expect(matches('product.category', 'equals', 'Shoes')).toBe(true);
    expect(matches('dotted.key', 'equals', 'exact')).toBe(true);
    expect(matches('product.category.name', 'exists')).toBe(false);
    expect(matches('constructor', 'exists')).toBe(false);
  });

  it('treats contains as a case-insensitive substring on strings and membership on arrays', () => {
    expect(matches('plan', 'contains', 'prem')).toBe(true);
    expect(matches('tags', 'contains', 'sale')).toBe(true);
    expect(matches('tags', 'contains', 'SALE')).toBe(false);
    expect(matches('tags', 'contains', '7')).toBe(true);
    expect(matches('total', 'contains', 4)).toBe(false);
  });

  it('treats missing and null as absent: only not_equals and exists=false match them', () => {
    for (const key of ['missing', 'nowhere']) {
      expect(matches(key, 'exists')).toBe(false);
      expect(matches(key, 'exists', false)).toBe(true);
      expect(matches(key, 'not_equals', 'x')).toBe(true);
      expect(matches(key, 'equals', 'x')).toBe(false);
      expect(matches(key, 'less_than', 1)).toBe(false);
    }
    expect(matches('plan', 'exists', true)).toBe(true);
    expect(matches('plan', 'not_equals', 'Premium')).toBe(false);
  });
});

describe('conditionSchema', () => {
  it.each([
    [{ key: 'a', operator: 'equals' }, 'must be a string, a number or a boolean'],
    [{ key: 'a', operator: 'contains', value: ['x'] }, 'must be a string, a number or a boolean'],
    [
      { key: 'a', operator: 'greater_than', value: 'soon' },
      'must be a number, a numeric string or an ISO date',
    ],
    [{ key: 'a', operator: 'exists', value: 1 }, 'must be a boolean or unset'],
  ])('rejects the value of %j', (condition, message) => {
    const result = conditionSchema.safeParse(condition);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['value'], message })]);
  });

  it('rejects an empty path segment in the key', () => {
    expect(conditionSchema.safeParse({ key: 'a..b', operator: 'exists' }).error?.issues[0]?.path).toEqual([
      'key',
    ]);
  });
});
