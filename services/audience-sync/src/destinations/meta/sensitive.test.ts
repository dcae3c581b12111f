import { type Rule, ruleSchema } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { adPlatformRefusal, sensitiveFindings } from './sensitive.js';

/** Rules as the API receives them, validated, so each test reads a rule audience-sync would hold. */
const rule = (input: unknown): Rule => ruleSchema.parse(input);

describe('the guard of ad-platform sync', () => {
  it('refuses an audience of people interested in diabetes, naming the trait and value', () => {
    const interested = rule({ trait: { key: 'interests', operator: 'contains', value: 'diabetes' } });
    expect(adPlatformRefusal({ rule: interested })).toBe(
      'refused for ad-platform sync: trait "interests" value "diabetes" suggests a health or medical condition ("diabetes")',
    );
  });

  it('refuses income bands and credit scores as financial status, whatever the values', () => {
    const affluent = rule({
      all: [
        { trait: { key: 'income_band', operator: 'in', value: ['100k-150k', '150k+'] } },
        { trait: { key: 'creditScore', operator: 'less_than', value: 600 } },
      ],
    });
    expect(sensitiveFindings({ rule: affluent })).toEqual([
      expect.objectContaining({ category: 'financial', term: 'income', source: 'trait "income_band"' }),
      expect.objectContaining({ category: 'financial', term: 'credit score', source: 'trait "creditScore"' }),
    ]);
  });

  it('reads excluded conditions, event names and properties, referenced audiences and plurals', () => {
    const targeted = rule({
      all: [
        { not: { trait: { key: 'conditions', operator: 'equals', value: 'Arthritis' } } },
        {
          event: {
            event: 'Order Completed',
            where: [{ key: 'category', operator: 'equals', value: 'Prediabetes test kits' }],
            countOperator: 'greater_or_equal',
            count: 1,
          },
        },
        { event: { event: 'Payday Loans Viewed', countOperator: 'greater_than', count: 2 } },
        { audience: { key: 'heavy_mortgage_holders' } },
      ],
    });
    expect(sensitiveFindings({ rule: targeted }).map(({ source, term }) => `${source}: ${term}`)).toEqual([
      'trait "conditions" value "Arthritis": arthritis',
      'event "Order Completed" property "category" value "Prediabetes test kits": diabetes',
      'event "Payday Loans Viewed": loan',
      'audience "heavy_mortgage_holders": mortgage',
    ]);
  });

  it('reads the traits the sync sends and the audience’s own name', () => {
    const findings = sensitiveFindings({
      traitKeys: ['email', 'medication_list'],
      labels: ['Cancer survivors'],
    });
    expect(findings.map((finding) => finding.reason)).toEqual([
      `the audience's name "Cancer survivors" suggests a health or medical condition ("cancer")`,
      'trait "medication_list" suggests a health or medical condition ("medication")',
    ]);
  });

  it('refuses the terms an operator configures', () => {
    const faithful = rule({ trait: { key: 'religion', operator: 'equals', value: 'buddhist' } });
    expect(adPlatformRefusal({ rule: faithful })).toBeUndefined();
    expect(adPlatformRefusal({ rule: faithful }, { extraTerms: ['religion'] })).toBe(
      'refused for ad-platform sync: trait "religion" matches a term configured as sensitive ("religion")',
    );
  });

  it('lets ordinary audiences through: plans, countries, purchases, words that merely contain a short term', () => {
    const ordinary = rule({
      all: [
        { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
        { trait: { key: 'address.country', operator: 'in', value: ['DE', 'AT'] } },
        { trait: { key: 'favourite_brand', operator: 'equals', value: 'Outcome Outdoors' } },
        { event: { event: 'Order Completed', countOperator: 'greater_or_equal', count: 3, withinDays: 30 } },
      ],
    });
    expect(
      sensitiveFindings({ rule: ordinary, traitKeys: ['email', 'firstName'], labels: ['Loyal buyers'] }),
    ).toEqual([]);
  });
});
