/**
 * Per-space request rate limits: one token bucket per space, shared by the HTTP Tracking API and
 * the gRPC servers, configured by `PRISM_RATE_LIMIT_RPS` and `PRISM_RATE_LIMIT_BURST` (@prism/config).
 *
 * Main entry points: `SpaceRateLimiter`, and `spaceRateLimiter` for a configured limit that may be off.
 *
 * @module
 */
export {
  type RateDecision,
  type RateLimit,
  SpaceRateLimiter,
  spaceRateLimiter,
} from './space-rate-limiter.js';
