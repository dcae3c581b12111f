import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { z } from 'zod';
import { ensureDurableConsumer } from './durable.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { type EventHandler, messageProcessor, settle } from './process-message.js';
import { PULL_EXPIRES_MS, pullUntilStopped } from './pulls.js';
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
  /** Stops pulling, lets an in-flight handler finish (and ack), hands back the rest of its pull at once. */
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
  // Short, because what a killed process held only comes back after it; a slow handler is not
  // cut off, it extends the wait every half.
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

  const handle = async (msg: JsMsg) => {
    if (stopping) {
      // Pulled but not started: hand back now rather than after ack_wait, delayed past this
      // pull's end so that the server does not send it straight back into the pull being left.
      settle(log, msg, 'release', () => msg.nak(PULL_EXPIRES_MS));
      return;
    }
    try {
      if (await processMessage(msg)) processed++;
    } catch (err) {
      // processMessage() catches its own failures; this is a last guard so the loop never dies.
      log.error({ consumer: durable, err }, 'unexpected error handling message');
    }
  };
  const loop = pullUntilStopped(consumer, {
    stopping: () => stopping,
    room: () => opts.batch ?? 10,
    take: handle,
    failing: (err) => log.warn({ consumer: durable, stream, err }, 'pull failed; retrying'),
    recovered: () => log.info({ consumer: durable, stream }, 'pulling again'),
  });

  return {
    stop() {
      stopping = true;
      return loop;
    },
    processed: () => processed,
  };
}
