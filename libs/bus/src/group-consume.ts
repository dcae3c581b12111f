import type { Consumer, JsMsg } from 'nats';

export interface GroupConsumeOptions {
  /** Messages the server may push ahead of the groups being applied. */
  maxMessages: number;
  /** Applies one group; it settles (acks, naks, dead-letters) each message itself. */
  apply(group: JsMsg[]): Promise<void>;
  /** A group that threw: its unsettled messages come back after their ack wait. */
  onError(error: unknown): void;
  /** Tells the server every so often that held messages are being worked on (under the ack wait). */
  workingEveryMs?: number;
}

/**
 * Group commit over a pull consumer: whatever arrived while one group was applied is the next
 * group, so a busy stream is applied in large groups (one storage round each) and a quiet one
 * message by message without waiting. Stopping naks what was received but not applied.
 */
export async function consumeInGroups(consumer: Consumer, options: GroupConsumeOptions) {
  const arrived: JsMsg[] = [];
  let applying: JsMsg[] = [];
  let wake: (() => void) | undefined;
  let stopped = false;
  const heartbeat =
    options.workingEveryMs === undefined
      ? undefined
      : setInterval(() => {
          for (const msg of [...arrived, ...applying]) msg.working();
        }, options.workingEveryMs);
  const subscription = await consumer.consume({
    max_messages: options.maxMessages,
    callback: (msg) => {
      arrived.push(msg);
      wake?.();
    },
  });
  const loop = (async () => {
    while (!stopped) {
      if (arrived.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
        continue;
      }
      applying = arrived.splice(0, arrived.length);
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
      await subscription.close();
      wake?.();
      await loop;
      if (heartbeat) clearInterval(heartbeat);
      for (const msg of arrived.splice(0, arrived.length)) msg.nak();
    },
  };
}
