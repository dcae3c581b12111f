import { InvalidArgument } from '@prism/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  identifierKey,
  identifiersOf,
  MAX_VALUE_LENGTH,
  normalizeIdentifier,
  parseIdentifier,
} from './identifier.js';
import { message, testGraph } from './test-support.js';

describe('identifiers of a message', () => {
  it('reads userId, anonymousId, traits.email, traits.phone and external ids', () => {
    const identify = message({
      userId: 'u1',
      anonymousId: 'a1',
      traits: { email: 'jane@x.com', phone: '+15550102000', name: 'Jane' },
      externalIds: [{ type: 'ios.idfa', value: 'F1' }],
    });
    expect(identifiersOf(identify)).toEqual([
      { type: 'user_id', value: 'u1' },
      { type: 'anonymous_id', value: 'a1' },
      { type: 'email', value: 'jane@x.com' },
      { type: 'phone', value: '+15550102000' },
      { type: 'ios.idfa', value: 'F1' },
    ]);
  });

  it('normalises emails and phones and drops empty, over-long, non-string and duplicate values', () => {
    const identify = message({
      userId: '  ',
      anonymousId: 'x'.repeat(MAX_VALUE_LENGTH + 1),
      traits: { email: '  Jane@X.COM ', phone: 15550102000 },
      externalIds: [
        { type: 'Phone', value: '+1 (555) 010-2000' },
        { type: 'email', value: 'jane@x.com' },
        { type: 'bad type', value: 'v' },
      ],
    });
    expect(identifiersOf(identify)).toEqual([
      { type: 'email', value: 'jane@x.com' },
      { type: 'phone', value: '+15550102000' },
    ]);
    expect(normalizeIdentifier('phone', '555.010')).toEqual({ type: 'phone', value: '555010' });
    expect(normalizeIdentifier('phone', '+ ( )')).toBeUndefined();
    expect(normalizeIdentifier('profile_id', 'p1')).toBeUndefined();
  });

  describe('alias', () => {
    const alias = message({ type: 'alias', userId: 'u2', previousId: 'x1' });

    it('links an unknown previousId as an anonymous_id', () => {
      expect(identifiersOf(alias, testGraph())).toContainEqual({ type: 'anonymous_id', value: 'x1' });
    });

    it('links a previousId known only as a user_id as that user_id', () => {
      const graph = testGraph([
        { id: 'a', identifiers: [{ type: 'user_id', value: 'x1' }], mergeCount: 0, createdAt: 1 },
      ]);
      expect(identifiersOf(alias, graph)).toEqual([
        { type: 'user_id', value: 'u2' },
        { type: 'user_id', value: 'x1' },
      ]);
    });

    it('prefers the anonymous_id when the previousId is known as both', () => {
      const graph = testGraph([
        { id: 'a', identifiers: [{ type: 'user_id', value: 'x1' }], mergeCount: 0, createdAt: 1 },
        { id: 'b', identifiers: [{ type: 'anonymous_id', value: 'x1' }], mergeCount: 0, createdAt: 1 },
      ]);
      expect(identifiersOf(alias, graph)).toContainEqual({ type: 'anonymous_id', value: 'x1' });
    });
  });
});

describe('parseIdentifier', () => {
  it('reads type:value, normalised the way ingestion stores it', () => {
    expect(parseIdentifier(' Email:Jane@X.com ', 'identifier')).toEqual({
      type: 'email',
      value: 'jane@x.com',
    });
    expect(parseIdentifier('profile_id:p:1', 'identifier')).toEqual({ type: 'profile_id', value: 'p:1' });
  });

  it('reads back every identifier key', () => {
    const identifier = fc
      .tuple(fc.constantFrom('user_id', 'email', 'phone', 'ga.client_id'), fc.string({ maxLength: 20 }))
      .map(([type, value]) => normalizeIdentifier(type, value))
      .filter((id) => id !== undefined);
    fc.assert(
      fc.property(identifier, (id) => {
        expect(parseIdentifier(identifierKey(id), 'identifier')).toEqual(id);
      }),
    );
  });

  it.each([
    ['jane@x.com', 'must be "<type>:<value>"'],
    [':jane', 'has an invalid type'],
    ['e mail:jane', 'has an invalid type'],
    ['email:   ', 'has no usable email value'],
    ['phone:n/a', 'has no usable phone value'],
  ])('rejects %j, naming the field', (text, description) => {
    const error = (() => {
      try {
        parseIdentifier(text, 'lookup.identifier');
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(InvalidArgument);
    expect((error as InvalidArgument).violations).toEqual([
      { field: 'lookup.identifier', description: expect.stringContaining(description) },
    ]);
  });
});
