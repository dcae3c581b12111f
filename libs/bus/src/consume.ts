import { ConsumerEvents, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from 'nats';
import type { z } from 'zod';
import { ensureDurableConsumer } from './durable.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { type EventHandler, messageProcessor, settle } from './process-message.js';
import { deadLetterSubjectOf, ensureDeadLetterStream } from './streams.js';

export type { Delivery, EventHandler } from './process-message.js';

export interface ConsumerOptions<T = unknown> {
  js: JetStreamClient;
  jsm: JetStreamManager;
  prefix: string;
  stream: string;
  durable: string;
  filterSubject: string;
  /** Must be idempotent: delivery is at-least-once. Resolve only once the effect is stored. */
  handler: EventHandler<T>;
  /** Validates `data` at the consumer boundary; a mismatch is poison, not a retry. */
  dataSchema?: z.ZodType<T>;
  /** Handler attempts before the message is dead-lettered. */
  maxDeliver?: number;
  /** Delay before attempt n+1 is `backoffMs[n-1]`; the last value repeats. */
  backoffMs?: number[];
  ackWaitMs?: number;
  /** Defaults to `<prefix>.dlq.<durable>`, captured by the stream ensureDeadLetterStream makes. */
  deadLetterSubject?: string;
  /** Messages pulled per request; they are still handled one at a time, in order. */
  batch?: number;
  maxAckPending?: number;
  logger?: BusLogger;
}

export interface ConsumerHandle {
  /** Stops pulling, lets an in-flight handler finish (and ack), releases buffered messages. */
  stop(): Promise<void>;
  /** Messages whose handler succeeded. */
  processed(): number;
}

/**
 * Consumes a durable pull consumer one message at a time. Ack only after the handler resolved
 * (the effect is stored); a failure is nak'ed with backoff, and after `maxDeliver` attempts the
 * message goes to the dead-letter subject and is terminated. Retried messages come back after
 * later ones: ordering is per first delivery only, which epoch checks in handlers make safe.
 */
export async function startConsumer<T = unknown>(opts: ConsumerOptions<T>): Promise<ConsumerHandle> {
  const { js, stream, durable } = opts;
  const maxDeliver = opts.maxDeliver ?? 5;
  const backoffMs = opts.backoffMs ?? [200, 1000, 5000, 15_000];
  // Short, because a delivery the server pushed to a pull that was closing (a stop, a deploy)
  // only comes back after it; a slow handler is not cut off, it extends the wait every half.
  const ackWaitMs = opts.ackWaitMs ?? 10_000;
  const log = opts.logger ?? stderrLogger;
  if (backoffMs.length === 0) throw new TypeError('backoffMs needs at least one value');
  const deadLetterSubject = opts.deadLetterSubject ?? deadLetterSubjectOf(opts.prefix, durable);

  // A custom dead-letter subject is the caller's to capture; the default one we make sure of.
  if (!opts.deadLetterSubject) await ensureDeadLetterStream(opts.jsm, opts.prefix);
  await ensureDurableConsumer(opts.jsm, {
    stream,
    durable,
    filterSubject: opts.filterSubject,
    maxDeliver,
    ackWaitMs,
    ...(opts.maxAckPending !== undefined && { maxAckPending: opts.maxAckPending }),
  });
  const consumer = await js.consumers.get(stream, durable);
  const messages = await consumer.consume({ max_messages: opts.batch ?? 10 });

  const processMessage = messageProcessor({
    js,
    stream,
    durable,
    handler: opts.handler,
    dataSchema: opts.dataSchema,
    maxDeliver,
    backoffMs,
    ackWaitMs,
    deadLetterSubject,
    log,
  });
  let stopping = false;
  let processed = 0;

  void watchStatus(messages, durable, log);
  const loop = (async () => {
    for await (const msg of messages) {
      if (stopping) {
        // Pulled but not started: hand back now rather than after ack_wait.
        settle(log, msg, 'release', () => msg.nak());
        continue;
      }
      try {
        if (await processMessage(msg)) processed++;
      } catch (err) {
        // processMessage() catches its own failures; this is a last guard so the loop never dies.
        log.error({ consumer: durable, err }, 'unexpected error handling message');
      }
    }
    if (!stopping) log.error({ consumer: durable, stream }, 'consumer stopped unexpectedly');
  })().catch((err) => log.error({ consumer: durable, stream, err }, 'consumer failed'));

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        // close() resolves once the iterator drained what was buffered; `loop` covers the handler too.
        await messages.close().catch(() => undefined);
        await loop;
      })();
      return stopped;
    },
    processed: () => processed,
  };
}

/** Surfaces what the client would otherwise only retry quietly (consumer deleted, heartbeats lost). */
async function watchStatus(messages: ConsumerMessages, durable: string, log: BusLogger): Promise<void> {
  const notable = new Set<string>(Object.values(ConsumerEvents));
  try {
    for await (const s of await messages.status()) {
      if (notable.has(s.type))
        log.warn({ consumer: durable, status: s.type, data: s.data }, 'consumer status');
    }
  } catch (err) {
    log.debug({ consumer: durable, err }, 'status watch ended');
  }
}
