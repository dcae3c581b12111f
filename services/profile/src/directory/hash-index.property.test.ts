import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashIndex } from './hash-index.js';

const operation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key: fc.string({ maxLength: 6 }), value: fc.nat(1e6) }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.string({ maxLength: 6 }) }),
);

describe('HashIndex', () => {
  it('answers like a Map after any sequence of sets and deletions, across growth and rehashing', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (operations) => {
        const index = new HashIndex(4);
        const expected = new Map<string, number>();
        for (const op of operations) {
          if (op.kind === 'set') {
            index.set(op.key, op.value);
            expected.set(op.key, op.value);
          } else {
            index.delete(op.key);
            expected.delete(op.key);
          }
        }
        for (const op of operations) expect(index.get(op.key)).toBe(expected.get(op.key));
      }),
    );
  });

  it('keeps a hundred thousand keys apart', () => {
    const index = new HashIndex();
    for (let i = 0; i < 100_000; i++) index.set(`email:person${i}@example.com`, i);
    for (let i = 0; i < 100_000; i += 997) expect(index.get(`email:person${i}@example.com`)).toBe(i);
    expect(index.get('email:nobody@example.com')).toBeUndefined();
  });
});
