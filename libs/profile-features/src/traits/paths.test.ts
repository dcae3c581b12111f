import { valueAtPath } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traitsByPath } from './paths.js';

const SEGMENTS = ['a', 'b', 'c', 'a.b', 'b.c'];
const segment = fc.constantFrom(...SEGMENTS);
const { traits } = fc.letrec<{ value: unknown; traits: Record<string, unknown> }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3 },
    fc.string({ maxLength: 3 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string({ maxLength: 2 }), { maxLength: 2 }),
    tie('traits'),
  ),
  traits: fc.dictionary(segment, tie('value'), { maxKeys: 4 }),
}));
const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join('.'));
const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

describe('traits by path', () => {
  it('reads every value at every path as the rules read the nested traits, and nothing else', () => {
    fc.assert(
      fc.property(traits, path, (nested, at) => {
        const expected = valueAtPath(nested, at);
        if (isObject(expected)) return;
        expect(valueAtPath(traitsByPath(nested), at)).toBe(expected);
      }),
      { numRuns: 2_000 },
    );
  });

  it('flattens Segment’s nested reserved traits into paths, a dotted key winning as in the rules', () => {
    const sent = {
      name: 'Ana García',
      address: { city: 'Valencia', country: 'ES', geo: { lat: 39.5 } },
      company: { industry: 'software', employee_count: 120, plan: null },
      'address.city': 'Madrid',
      interests: ['running'],
    };
    expect(traitsByPath(sent)).toEqual({
      name: 'Ana García',
      'address.city': 'Madrid',
      'address.country': 'ES',
      'address.geo.lat': 39.5,
      'company.industry': 'software',
      'company.employee_count': 120,
      interests: ['running'],
    });
  });

  it('gives flat traits back as they are', () => {
    const flat = { age: 31, country: 'DE', interests: ['yoga'] };
    expect(traitsByPath(flat)).toBe(flat);
  });
});
