import fc from 'fast-check';
import { validate, version } from 'uuid';
import { describe, expect, it } from 'vitest';
import { uuidv7 } from './event-id.js';

describe('uuidv7', () => {
  it('makes valid, distinct version-7 ids that increase, however many are made in a burst', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), (count) => {
        const ids = Array.from({ length: count }, uuidv7);
        for (const id of ids) expect(validate(id) && version(id)).toBe(7);
        for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
      }),
      { numRuns: 20 },
    );
  });
});
