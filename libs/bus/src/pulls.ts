import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, JsMsg } from 'nats';

/**
 * Consumers pull in bounded requests read to their end: every message the server sends for a
 * pull reaches the consumer, even one sent while it stops. Closing an open-ended pull instead
 * drops what is still on the wire, and the server sends that again only after the ack wait.
 */

/** How long one pull waits for messages: the most a stop waits on a quiet stream. */
export const PULL_EXPIRES_MS = 1_000;

/** The pause before pulling again after a failed pull (NATS restarting, a consumer re-created). */
const PULL_RETRY_MS = 500;

/** How long after its expiry the client gives up on a pull whose end the server never sent. */
const CLIENT_EXPIRY_SLACK_MS = 5_000;

/** What nats.js 2.29's fetch keeps of its own client-side expiry (not in its public types). */
interface FetchInternals {
  timeout?: { cancel(): void } | null;
  trackTimeout?(timer: { cancel(): void }): void;
  close(): Promise<unknown>;
}

/**
 * nats.js ends a fetch on a timer of its own at 1.05 × expires: 50 ms after the server ends a
 * 1 s pull. On a busy event loop that timer can run before the socket data holding the pull's
 * last messages is read; those then reach no subscription and come back only after the ack wait
 * (a rolling-stop test waited for them under load). The server ends every pull itself (its
 * pending count reaches zero, or a 408 at expiry), so the client's timer is only the fallback
 * for an end that never arrives, and gets seconds of slack.
 */
function padClientExpiry(pull: unknown): void {
  const internals = pull as FetchInternals;
  if (!internals.timeout || !internals.trackTimeout) return;
  internals.timeout.cancel();
  const fallback = setTimeout(
    () => void internals.close().catch(() => undefined),
    PULL_EXPIRES_MS + CLIENT_EXPIRY_SLACK_MS,
  );
  internals.trackTimeout({ cancel: () => clearTimeout(fallback) });
}

export interface PullLoopOptions {
  stopping(): boolean;
  /** How many messages the next pull asks for, once the consumer has room for them. */
  room(): number | Promise<number>;
  /** Each pulled message, in order; one arriving while stopping is for the caller to hand back. */
  take(msg: JsMsg): void | Promise<void>;
  /** Pulls began failing: told once per outage, not once per retry. */
  failing(error: unknown): void;
  /** Pulls work again after failing. */
  recovered(): void;
}

/** Pulls until `stopping()`, retrying failed pulls; resolves once the last pull was read to its end. */
export async function pullUntilStopped(consumer: Consumer, options: PullLoopOptions): Promise<void> {
  let failing = false;
  while (!options.stopping()) {
    try {
      const room = await options.room();
      if (options.stopping()) return;
      const pull = await consumer.fetch({ max_messages: room, expires: PULL_EXPIRES_MS });
      padClientExpiry(pull);
      for await (const msg of pull) await options.take(msg);
      if (failing) options.recovered();
      failing = false;
    } catch (error) {
      if (!failing) options.failing(error);
      failing = true;
      await sleep(PULL_RETRY_MS);
    }
  }
}
