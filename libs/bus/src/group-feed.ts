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

/**
 * A durable feed with group commit (`consumeInGroups`): whatever arrived while a group was applied
 * is the next group, applied per partition (all partitions at once). A partition's group that
 * fails is retried message by message, each backing off on failure; one that keeps failing, and
 * poison at once, goes to the dead-letter subject. Acked only once applied.
 */
export async function startGroupFeed<Item>(bus: Bus, logger: BusLogger, options: GroupFeedOptions<Item>) {
  const { durable, maxDeliver } = options;
  await ensureDeadLetterStream(bus.jsm, bus.prefix);
  await ensureDurableConsumer(bus.jsm, options);
  const deadLetter = (msg: JsMsg, reason: 'poison' | 'max_deliver', error: unknown) =>
    publishDeadLetter(bus.js, msg, {
      subject: deadLetterSubjectOf(bus.prefix, durable),
      consumer: durable,
      reason,
      error,
      attempts: msg.info.deliveryCount,
    }).then(() => msg.term());

  type Held = Received<Item> & { msg: JsMsg };
  async function apply(partition: string, held: Held[]): Promise<void> {
    await options.apply(
      partition,
      held.map(({ item, seq }) => ({ item, seq })),
    );
    for (const { msg } of held) msg.ack();
  }

  async function applyPartition(partition: string, held: Held[]): Promise<void> {
    try {
      return await apply(partition, held);
    } catch (error) {
      logger.warn({ err: error, durable, partition, size: held.length }, 'group failed; retrying one by one');
    }
    for (const one of held) {
      await apply(partition, [one]).catch(async (error: unknown) => {
        const { msg } = one;
        if (msg.info.deliveryCount < maxDeliver)
          return msg.nak(Math.min(15_000, 200 * 5 ** (msg.info.deliveryCount - 1)));
        logger.error(
          { err: error, durable, subject: msg.subject },
          'message dead-lettered after its last attempt',
        );
        await deadLetter(msg, 'max_deliver', error);
      });
    }
  }

  async function applyGroup(group: JsMsg[]): Promise<void> {
    const partitions = new Map<string, Held[]>();
    for (const msg of group) {
      const read = options.read(msg);
      if (read === undefined) msg.ack();
      else if ('error' in read) await deadLetter(msg, 'poison', new Error(read.error));
      else {
        const held = partitions.get(read.partition) ?? [];
        held.push({ item: read.item, seq: msg.info.streamSequence, msg });
        partitions.set(read.partition, held);
      }
    }
    await Promise.all([...partitions].map(([partition, held]) => applyPartition(partition, held)));
  }

  return consumeInGroups(await bus.js.consumers.get(options.stream, durable), {
    maxMessages: options.maxMessages,
    // A slow group is not redelivered while it is applied; only a stopped process's is.
    workingEveryMs: options.ackWaitMs / 2,
    apply: applyGroup,
    onError: (error) =>
      logger.error({ err: error, durable }, 'group failed; unsettled messages will be redelivered'),
  });
}
