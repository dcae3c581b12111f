import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, MAX_RETRY_DELAY_MS, parseRetryAfter, retryDelay } from './sender.js';

const attempt = fc.integer({ min: 1, max: 64 });
const draw = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const retryAfter = fc.integer({ min: 0, max: MAX_RETRY_DELAY_MS });

/** The mean delay over evenly spread draws: what a fleet of deliveries waits on average. */
function meanDelay(n: number) {
  const draws = Array.from({ length: 1_000 }, (_, i) => i / 1_000);
  return draws.reduce((sum, r) => sum + retryDelay(n, 0, () => r), 0) / draws.length;
}

describe('retry delay', () => {
  it('stays within [Retry-After, cap] whatever the attempt and the draw', () => {
    fc.assert(
      fc.property(attempt, retryAfter, draw, (n, after, r) => {
        const delay = retryDelay(n, after, () => r);
        expect(delay).toBeGreaterThanOrEqual(after);
        expect(delay).toBeLessThanOrEqual(MAX_RETRY_DELAY_MS);
      }),
    );
  });

  it('caps a Retry-After longer than the cap, so one receiver cannot park a delivery for days', () => {
    fc.assert(
      fc.property(attempt, fc.integer({ min: MAX_RETRY_DELAY_MS, max: 1e10 }), draw, (n, after, r) => {
        expect(retryDelay(n, after, () => r)).toBe(MAX_RETRY_DELAY_MS);
      }),
    );
  });

  it('never shrinks from one attempt to the next for the same draw (full jitter below 1 s · 2^(n−1))', () => {
    fc.assert(
      fc.property(attempt, draw, (n, r) => {
        const delay = retryDelay(n, 0, () => r);
        expect(delay).toBeLessThanOrEqual(retryDelay(n + 1, 0, () => r));
        expect(delay).toBeLessThan(Math.max(1, Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** (n - 1))));
      }),
    );
  });

  it('doubles on average with each attempt until the cap, then holds at half the cap', () => {
    for (let n = 1; n < MAX_ATTEMPTS; n++) {
      const ceiling = Math.min(MAX_RETRY_DELAY_MS, 1_000 * 2 ** (n - 1));
      expect(meanDelay(n) / (ceiling / 2)).toBeCloseTo(1, 2);
    }
    expect(meanDelay(MAX_ATTEMPTS + 5) / (MAX_RETRY_DELAY_MS / 2)).toBeCloseTo(1, 2);
  });

  it('counts attempts from 1', () => {
    expect(() => retryDelay(0)).toThrow(RangeError);
    expect(() => retryDelay(1.5)).toThrow(RangeError);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2026-05-04T10:00:00Z');

  it('reads delay-seconds and HTTP-dates as milliseconds from now', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Mon, 04 May 2026 10:01:30 GMT', now)).toBe(90_000);
  });

  it('reads a date already past as no wait, and ignores what it cannot read', () => {
    expect(parseRetryAfter('Mon, 04 May 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('', now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
  });

  it('reads any delay-seconds exactly', () => {
    fc.assert(
      fc.property(fc.nat(10 ** 7), (seconds) => parseRetryAfter(String(seconds), now) === seconds * 1000),
    );
  });
});
