import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grantOf } from './grant.js';

const partner = fc.stringMatching(/^[a-z][a-z0-9-]{0,31}$/);
const space = fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,62}$/);

describe('a partner grant', () => {
  it('gives distinct partner-and-space pairs distinct consumers and reply subjects', () => {
    fc.assert(
      fc.property(partner, space, partner, space, (p1, s1, p2, s2) => {
        fc.pre(p1 !== p2 || s1 !== s2);
        const one = grantOf({ partner: p1, space: s1, prefix: 'prism' });
        const other = grantOf({ partner: p2, space: s2, prefix: 'prism' });
        expect(one.consumer).not.toBe(other.consumer);
        expect(one.inboxPrefix).not.toBe(other.inboxPrefix);
      }),
    );
  });

  it('refuses partner names that could make two grants share a consumer or leave their subject token', () => {
    for (const name of ['a_b', 'acme.demo', 'acme*', 'Acme', ''])
      expect(() => grantOf({ partner: name, space: 'demo', prefix: 'prism' }), name).toThrow();
  });
});
