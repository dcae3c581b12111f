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
