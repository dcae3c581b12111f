import { DEFAULT_RATE_LIMIT } from './destination.js';

/**
 * A token bucket per destination: `rate` deliveries a second, bursts of up to one second's
 * worth. What a round may not send now waits for `nextSlot`.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Takes up to `wanted` tokens; answers how many were granted. */
  take(destinationId: string, rate: number, wanted: number, now: number): number {
    const perSecond = rate > 0 ? rate : DEFAULT_RATE_LIMIT;
    const bucket = this.buckets.get(destinationId) ?? { tokens: perSecond, at: now };
    const tokens = Math.min(perSecond, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    const granted = Math.min(wanted, Math.floor(tokens));
    this.buckets.set(destinationId, { tokens: tokens - granted, at: now });
    return granted;
  }

  /** When the next token is there. */
  nextSlot(rate: number, now: number): number {
    return now + Math.ceil(1000 / (rate > 0 ? rate : DEFAULT_RATE_LIMIT));
  }
}
