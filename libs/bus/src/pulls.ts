/**
 * Consumers pull in bounded requests read to their end: every message the server sends for a
 * pull reaches the consumer, even one sent while it stops. Closing an open-ended pull instead
 * drops what is still on the wire, and the server sends that again only after the ack wait.
 */

/** How long one pull waits for messages: the most a stop waits on a quiet stream. */
export const PULL_EXPIRES_MS = 1_000;

/** The pause before pulling again after a failed pull (NATS restarting, a consumer re-created). */
export const PULL_RETRY_MS = 500;
