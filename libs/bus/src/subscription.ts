import type { JetStreamClient, JetStreamManager } from 'nats';
import type { z } from 'zod';
import { type ConsumerHandle, type ConsumerOptions, startConsumer } from './consume.js';
import type { PrismEvent } from './envelope.js';
import { subjectOf } from './envelope.js';
import type { BusLogger } from './logger.js';
import type { Delivery } from './process-message.js';
import { streamName } from './streams.js';
import type { OwningService } from './topology.js';

/** What a service follows: a durable consumer of some event kinds, in any space, of one service's stream. */
export interface Subscription<T = unknown>
  extends Pick<ConsumerOptions<T>, 'maxDeliver' | 'backoffMs' | 'ackWaitMs' | 'batch' | 'maxAckPending'> {
  /** The service that publishes the events: its stream carries them. */
  stream: OwningService;
  /** The durable consumer's name, unique across services: `persona_campaigns`. */
  durable: string;
  /** Event kinds, NATS wildcards allowed: `campaign.*`, `persona.deleted`. */
  kinds: string;
  /** Validates `data`; a mismatch is poison (dead-lettered), not a retry. */
  data?: z.ZodType<T>;
  /** Must be idempotent: delivery is at-least-once. Resolve only once the effect is stored. */
  handler(event: PrismEvent<T>, delivery: Delivery): Promise<void>;
}

/** `bus.subscribe` of a connection: the stream and filter subject come from the prefix. */
export function subscriber(
  connection: { js: JetStreamClient; jsm: JetStreamManager; prefix: string },
  logger: BusLogger,
) {
  const { js, jsm, prefix } = connection;
  return <T>(subscription: Subscription<T>): Promise<ConsumerHandle> => {
    const { stream, kinds, data, ...options } = subscription;
    return startConsumer({
      ...options,
      js,
      jsm,
      prefix,
      logger,
      stream: streamName(prefix, stream),
      filterSubject: subjectOf(prefix, '*', kinds),
      ...(data && { dataSchema: data }),
    });
  };
}
