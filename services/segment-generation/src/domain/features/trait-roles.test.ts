import { describe, expect, it } from 'vitest';
import { groupOf, isIdentifyingKey } from './trait-roles.js';

describe('trait roles', () => {
  it('recognises keys that identify or contact a person, however they are spelled', () => {
    for (const key of [
      'firstName',
      'last_name',
      'Full Name',
      'email',
      'phoneNumber',
      'address',
      'userId',
      'customer_id',
    ]) {
      expect(isIdentifyingKey(key), key).toBe(true);
    }
    for (const key of ['age', 'paid', 'valid', 'orders_90d', 'city', 'interests']) {
      expect(isIdentifyingKey(key), key).toBe(false);
    }
  });

  it('groups known traits by what they describe and unknown ones by their kind', () => {
    expect(groupOf('incomeBand', 'categorical')).toBe('demographic');
    expect(groupOf('age', 'numeric')).toBe('demographic');
    expect(groupOf('climateZone', 'categorical')).toBe('geographic');
    expect(groupOf('interests', 'list')).toBe('psychographic');
    expect(groupOf('orders_90d', 'numeric')).toBe('behavioural');
    expect(groupOf('loyaltyTier', 'categorical')).toBe('demographic');
    expect(groupOf('badges', 'list')).toBe('psychographic');
  });
});
