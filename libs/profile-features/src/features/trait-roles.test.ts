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

  it('reads a nested trait by its last segment: street, postal code and company name identify, country does not', () => {
    for (const key of [
      'address.street',
      'address.postalCode',
      'company.name',
      'company.id',
      'birthday',
      'username',
    ]) {
      expect(isIdentifyingKey(key), key).toBe(true);
    }
    for (const key of ['address.country', 'address.state', 'address.city', 'company.industry', 'title']) {
      expect(isIdentifyingKey(key), key).toBe(false);
    }
  });

  it("places Segment's address traits in geography and its company traits in a firmographic group", () => {
    expect(groupOf('address.country', 'categorical')).toBe('geographic');
    expect(groupOf('address.state', 'categorical')).toBe('geographic');
    expect(groupOf('address.city', 'categorical')).toBe('geographic');
    expect(groupOf('company.industry', 'categorical')).toBe('firmographic');
    expect(groupOf('company.employee_count', 'numeric')).toBe('firmographic');
    expect(groupOf('company.plan', 'categorical')).toBe('firmographic');
    expect(groupOf('shop.plan', 'categorical')).toBe('demographic');
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
