import type { Consumer, JsMsg } from 'nats';
import { PULL_EXPIRES_MS, pullUntilStopped } from './pulls.js';

export interface GroupConsumeOptions {
  /** Messages the server may push ahead of the groups being applied. */
  maxMessages: number;
  /** Applies one group; it settles (acks, naks, dead-letters) each message itself. */
  apply(group: JsMsg[]): Promise<void>;
  /** A group that threw, or pulls that began failing (once per outage): unsettled messages come back after their ack wait. */
  onError(error: unknown): void;
  /** Tells the server every so often that held messages are being worked on (under the ack wait). */
  workingEveryMs?: number;
}

/**
 * Group commit over a pull consumer: whatever arrived while one group was applied is the next
 * group, so a busy stream is applied in large groups (one storage round each) and a quiet one
 * message by message without waiting. Pulls are bounded and read to their end while groups are
 * applied, so stopping hands back everything received but not applied, none left on the wire.
 */
export async function consumeInGroups(consumer: Consumer, options: GroupConsumeOptions) {
  const arrived: JsMsg[] = [];
  let applying: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let taken: (() => void) | undefined;
  let stopped = false;
  const heartbeat =
    options.workingEveryMs === undefined
      ? undefined
      : setInterval(() => {
          for (const msg of [...arrived, ...applying]) msg.working();
        }, options.workingEveryMs);

  const pulling = pullUntilStopped(consumer, {
    stopping: () => stopped,
    // At most maxMessages wait unapplied: the next pull waits for the groups to take them.
    async room() {
      while (arrived.length >= options.maxMessages && !stopped) {
        await new Promise<void>((resolve) => {
          taken = resolve;
        });
      }
      return options.maxMessages - arrived.length;
    },
    take(msg) {
      // Arrived while stopping: back after this pull's end, not straight into it again.
      if (stopped) msg.nak(PULL_EXPIRES_MS);
      else arrived.push(msg);
      wake?.();
    },
    failing: options.onError,
    recovered: () => {},
  });

  const applyingLoop = (async () => {
    while (!stopped) {
      if (arrived.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      applying = arrived.splice(0, arrived.length);
      taken?.();
      await options.apply(applying).catch(options.onError);
      applying = [];
    }
  })();
  return {
    /** Whether stop() was called: a slow group may leave the rest to redelivery. */
    get stopped() {
      return stopped;
    },
    async stop() {
      stopped = true;
      wake?.();
      taken?.();
      await Promise.all([pulling, applyingLoop]);
      if (heartbeat) clearInterval(heartbeat);
      for (const msg of arrived.splice(0, arrived.length)) msg.nak();
    },
  };
}
