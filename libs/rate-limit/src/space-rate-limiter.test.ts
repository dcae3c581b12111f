import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SpaceRateLimiter, spaceRateLimiter } from './space-rate-limiter.js';

const limits = fc.record({
  ratePerSecond: fc.double({ min: 0.1, max: 10_000, noNaN: true }),
  burst: fc.integer({ min: 1, max: 1_000 }),
});
// Milliseconds between two requests.
const gaps = fc.array(fc.double({ min: 0, max: 2_000, noNaN: true }), { minLength: 1, maxLength: 300 });

/** A limiter on a clock the test moves. */
function onTestClock(limit: { ratePerSecond: number; burst: number }) {
  let now = 0;
  const limiter = new SpaceRateLimiter(limit, () => now);
  const advance = (ms: number) => {
    now += ms;
  };
  return { limiter, advance, now: () => now };
}

describe('SpaceRateLimiter', () => {
  it('lets through at most the burst plus what the rate refilled since the first request', () => {
    fc.assert(
      fc.property(limits, gaps, (limit, steps) => {
        const clock = onTestClock(limit);
        let allowed = 0;
        for (const gap of steps) {
          clock.advance(gap);
          if (clock.limiter.take('acme').allowed) allowed++;
          const refilled = ((clock.now() - (steps[0] ?? 0)) / 1000) * limit.ratePerSecond;
          expect(allowed).toBeLessThanOrEqual(limit.burst + refilled + 1e-6);
        }
      }),
    );
  });

  it('lets a refused space through again once its retry-after has passed', () => {
    fc.assert(
      fc.property(limits, fc.integer({ min: 0, max: 50 }), (limit, extra) => {
        const clock = onTestClock(limit);
        for (let i = 0; i < limit.burst + extra; i++) clock.limiter.take('acme');
        const refused = clock.limiter.take('acme');
        if (refused.allowed) return;
        expect(refused.retryAfterMs).toBeGreaterThan(0);
        clock.advance(refused.retryAfterMs);
        expect(clock.limiter.take('acme').allowed).toBe(true);
      }),
    );
  });

  it('gives every space a bucket of its own', () => {
    const clock = onTestClock({ ratePerSecond: 1, burst: 2 });
    expect([1, 2, 3].map(() => clock.limiter.take('acme').allowed)).toEqual([true, true, false]);
    expect(clock.limiter.take('globex').allowed).toBe(true);
  });

  it('answers the wait for one token at the configured rate', () => {
    const clock = onTestClock({ ratePerSecond: 4, burst: 1 });
    clock.limiter.take('acme');
    expect(clock.limiter.take('acme')).toEqual({ allowed: false, retryAfterMs: 250 });
  });

  it('is off for a rate of 0', () => {
    expect(spaceRateLimiter({ ratePerSecond: 0, burst: 5 })).toBeUndefined();
    expect(spaceRateLimiter(undefined)).toBeUndefined();
    expect(spaceRateLimiter({ ratePerSecond: 1, burst: 1 })?.take('acme')).toEqual({ allowed: true });
  });

  it('refuses a limit that would let nothing through', () => {
    expect(() => new SpaceRateLimiter({ ratePerSecond: 0, burst: 5 })).toThrow(RangeError);
    expect(() => new SpaceRateLimiter({ ratePerSecond: 5, burst: 0 })).toThrow(RangeError);
  });
});
