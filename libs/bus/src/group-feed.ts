import { setTimeout as sleep } from 'node:timers/promises';
import type { JsMsg } from 'nats';
import type { Bus } from './connect.js';
import { publishDeadLetter } from './dead-letter.js';
import { ensureDurableConsumer } from './durable.js';
import { consumeInGroups } from './group-consume.js';
import type { BusLogger } from './logger.js';
import { deadLetterSubjectOf, ensureDeadLetterStream } from './streams.js';

/** One message of a group as its feed read it. */
export interface Received<Item> {
  item: Item;
  /** The message's sequence in its stream: its order among the others. */
  seq: number;
}

export interface GroupFeedOptions<Item> {
  /** The stream's full name and the subjects the durable consumer filters. */
  stream: string;
  filterSubject: string;
  durable: string;
  /** Deliveries of a message before it is dead-lettered. */
  maxDeliver: number;
  ackWaitMs: number;
  maxAckPending: number;
  /** Messages held unapplied at most (the next group's size bound). */
  maxMessages: number;
  /**
   * Reads one message: its item and the partition it is applied in (a space), `{ error }` for
   * poison (dead-lettered at once), undefined for a message the feed skips (acked).
   */
  read(msg: JsMsg): { item: Item; partition: string } | { error: string } | undefined;
  /** Applies one partition's part of a group; must be idempotent. Resolve only once stored. */
  apply(partition: string, received: Received<Item>[]): Promise<void>;
}

/** How long an attempt waits after the failure of the one before it (the first of a message is its group's). */
const backoffMs = (attempt: number) => Math.min(15_000, 200 * 5 ** (attempt - 1));

/**
 * A durable feed with group commit (`consumeInGroups`): whatever arrived while a group was applied
 * is the next group, applied per partition (all partitions at once). A partition's group that
 * fails is retried message by message, in order: a message that fails again is retried in place,
 * backing off, before any later message of its partition is applied (naking it and going on let a
 * partition's later changes overtake it). One that keeps failing goes to the dead-letter subject
 * after `maxDeliver` attempts, poison at once. Acked only once applied.
 */
export async function startGroupFeed<Item>(bus: Bus, logger: BusLogger, options: GroupFeedOptions<Item>) {
  const { durable, maxDeliver } = options;
  await ensureDeadLetterStream(bus.jsm, bus.prefix);
  await ensureDurableConsumer(bus.jsm, options);
  const stopping = new AbortController();
  const deadLetter = (msg: JsMsg, reason: 'poison' | 'max_deliver', error: unknown, attempts: number) =>
    publishDeadLetter(bus.js, msg, {
      subject: deadLetterSubjectOf(bus.prefix, durable),
      consumer: durable,
      reason,
      error,
      attempts,
    }).then(() => msg.term());

  type Held = Received<Item> & { msg: JsMsg };
  async function apply(partition: string, held: Held[]): Promise<void> {
    await options.apply(
      partition,
      held.map(({ item, seq }) => ({ item, seq })),
    );
    for (const { msg } of held) msg.ack();
  }

  /** Applied or dead-lettered: true; false when the feed stops first (the message stays unsettled). */
  async function applyAlone(partition: string, one: Held): Promise<boolean> {
    for (let attempt = one.msg.info.deliveryCount; ; attempt++) {
      try {
        await apply(partition, [one]);
        return true;
      } catch (error) {
        if (attempt >= maxDeliver) {
          logger.error(
            { err: error, durable, subject: one.msg.subject },
            'message dead-lettered after its last attempt',
          );
          await deadLetter(one.msg, 'max_deliver', error, attempt);
          return true;
        }
      }
      const waited = await sleep(backoffMs(attempt), true, { signal: stopping.signal }).catch(() => false);
      if (!waited) return false;
    }
  }

  async function applyPartition(partition: string, held: Held[]): Promise<void> {
    try {
      return await apply(partition, held);
    } catch (error) {
      logger.warn({ err: error, durable, partition, size: held.length }, 'group failed; retrying one by one');
    }
    for (const [index, one] of held.entries()) {
      if (await applyAlone(partition, one)) continue;
      // Stopping: this message and the ones after it come back in order.
      for (const rest of held.slice(index)) rest.msg.nak();
      return;
    }
  }

  async function applyGroup(group: JsMsg[]): Promise<void> {
    const partitions = new Map<string, Held[]>();
    for (const msg of group) {
      const read = options.read(msg);
      if (read === undefined) msg.ack();
      else if ('error' in read)
        await deadLetter(msg, 'poison', new Error(read.error), msg.info.deliveryCount);
      else {
        const held = partitions.get(read.partition) ?? [];
        held.push({ item: read.item, seq: msg.info.streamSequence, msg });
        partitions.set(read.partition, held);
      }
    }
    await Promise.all([...partitions].map(([partition, held]) => applyPartition(partition, held)));
  }

  const feed = await consumeInGroups(await bus.js.consumers.get(options.stream, durable), {
    maxMessages: options.maxMessages,
    // A slow group (retries in place included) is not redelivered while it is applied; only a stopped process's is.
    workingEveryMs: options.ackWaitMs / 2,
    apply: applyGroup,
    onError: (error) =>
      logger.error({ err: error, durable }, 'group failed; unsettled messages will be redelivered'),
  });
  return {
    get stopped() {
      return feed.stopped;
    },
    /** Ends a retry's wait at once rather than after its backoff. */
    async stop() {
      stopping.abort();
      await feed.stop();
    },
  };
}
