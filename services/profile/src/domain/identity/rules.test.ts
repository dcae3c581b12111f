import { InvalidArgument } from '@prism/errors';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_RULES as defaults, parseIdentityRules } from './rules.js';

function violationsOf(input: unknown) {
  try {
    parseIdentityRules(input);
  } catch (error) {
    if (error instanceof InvalidArgument) return error.violations;
    throw error;
  }
  return [];
}

describe('identity rules', () => {
  it("defaults to Segment's recommended rules", () => {
    expect(defaults.settings).toMatchObject({ customLimit: 5, maxMergesPerProfile: 100 });
    expect(['user_id', 'email', 'phone', 'anonymous_id', 'ios.idfa'].map(defaults.limitOf)).toEqual([
      1, 5, 5, 5, 5,
    ]);
    const ranked = ['anonymous_id', 'ios.idfa', 'phone', 'user_id', 'email'].sort(
      (a, b) => defaults.rankOf(a) - defaults.rankOf(b),
    );
    expect(ranked).toEqual(['user_id', 'email', 'phone', 'ios.idfa', 'anonymous_id']);
  });

  it('blocks placeholder values whatever their case, and nothing else', () => {
    const blocked = (value: string) => defaults.isBlocked({ type: 'user_id', value });
    expect(['0', '000-00', 'null', 'NULL', 'Anonymous', 'undefined'].every(blocked)).toBe(true);
    expect(['10', 'nullable', 'anonymous1', 'u1'].some(blocked)).toBe(false);
  });

  it('keeps the default limits a space does not change, and reads 0 as no limit', () => {
    const rules = parseIdentityRules({ limits: { email: 0, 'ga.client_id': 2 } });
    expect(['user_id', 'email', 'ga.client_id'].map(rules.limitOf)).toEqual([1, 0, 2]);
  });

  it('ranks unlisted types last when the priority has no "*"', () => {
    const rules = parseIdentityRules({ priority: ['email', 'user_id'] });
    expect(['email', 'user_id', 'phone', 'x'].map(rules.rankOf)).toEqual([0, 1, 2, 2]);
  });

  it('names each invalid field by its proto path', () => {
    expect(
      violationsOf({
        blockedValues: ['^ok$', '(unclosed', '(a+)+$', 'x'.repeat(201)],
        limits: { email: -1 },
        priority: ['email', 'email'],
      }).map(({ field }) => field),
    ).toEqual([
      'identity_rules.blocked_values[1]',
      'identity_rules.blocked_values[2]',
      'identity_rules.blocked_values[3]',
      'identity_rules.limits.email',
      'identity_rules.priority[1]',
    ]);
  });

  it('explains a regex that does not compile and one that could backtrack catastrophically', () => {
    const [unclosed, nested] = violationsOf({ blockedValues: ['(unclosed', '(\\w*x){2,}'] });
    expect(unclosed?.description).toMatch(/^is not a valid regular expression/);
    expect(nested?.description).toMatch(/^nests quantifiers/);
  });
});
