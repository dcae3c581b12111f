/** How many requests a space may make: `ratePerSecond` on average, up to `burst` at once. */
export interface RateLimit {
  /** 0 turns the limit off. */
  ratePerSecond: number;
  burst: number;
}

/** The limiter of `limit`; undefined when there is none or its rate is 0 (off). */
export function spaceRateLimiter(limit: RateLimit | undefined): SpaceRateLimiter | undefined {
  return limit && limit.ratePerSecond > 0 ? new SpaceRateLimiter(limit) : undefined;
}

/** A request let through, or refused with how long until the space may send one again. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  refilledAt: number;
}

// Buckets that would be full again are forgotten on a sweep at most this often: an idle space
// costs no memory, and a full bucket is what a forgotten one starts as.
const SWEEP_EVERY_MS = 60_000;

/**
 * A token bucket per space: each request takes a token, tokens come back at `ratePerSecond` up to
 * `burst`. The HTTP Tracking API and every gRPC server use it after authentication, so the limit
 * is the space's, whichever key or client sends.
 */
export class SpaceRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #limit: RateLimit;
  readonly #now: () => number;
  #sweptAt: number;

  constructor(limit: RateLimit, now: () => number = performance.now.bind(performance)) {
    if (!(limit.ratePerSecond > 0) || !(limit.burst >= 1))
      throw new RangeError('a rate limit needs ratePerSecond > 0 and burst >= 1');
    this.#limit = limit;
    this.#now = now;
    this.#sweptAt = now();
  }

  /** Takes a token from the space's bucket, or tells how long until one is there. */
  take(spaceId: string): RateDecision {
    const now = this.#now();
    this.#sweepIfDue(now);
    const bucket = this.#refilled(this.#buckets.get(spaceId), now);
    this.#buckets.set(spaceId, bucket);
    // A hair under one token counts: the retry-after is rounded to whole milliseconds.
    if (bucket.tokens >= 1 - 1e-9) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    const retryAfterMs = Math.ceil(((1 - bucket.tokens) / this.#limit.ratePerSecond) * 1000);
    return { allowed: false, retryAfterMs };
  }

  #refilled(bucket: Bucket | undefined, now: number): Bucket {
    const { ratePerSecond, burst } = this.#limit;
    if (!bucket) return { tokens: burst, refilledAt: now };
    const tokens = Math.min(burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * ratePerSecond);
    return { tokens, refilledAt: now };
  }

  #sweepIfDue(now: number): void {
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now;
    for (const [spaceId, bucket] of this.#buckets) {
      if (this.#refilled(bucket, now).tokens >= this.#limit.burst) this.#buckets.delete(spaceId);
    }
  }
}
