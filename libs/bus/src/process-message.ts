import { inSpan, SpanKind } from '@prism/telemetry';
import type { JetStreamClient, JsMsg } from 'nats';
import type { z } from 'zod';
import { type DeadLetterReason, errorText, publishDeadLetter } from './dead-letter.js';
import { decodeEvent, type EventContext, type PrismEvent } from './envelope.js';
import type { BusLogger } from './logger.js';

export interface Delivery {
  /** 1 on first delivery; counts every delivery of this message to this durable. */
  attempt: number;
  redelivered: boolean;
  subject: string;
  streamSeq: number;
  /** What the events this one causes carry over from it: its space and its trace. */
  cause: EventContext;
}

export type EventHandler<T = unknown> = (event: PrismEvent<T>, delivery: Delivery) => Promise<void>;

export interface ProcessorConfig<T> {
  js: JetStreamClient;
  stream: string;
  durable: string;
  handler: EventHandler<T>;
  dataSchema?: z.ZodType<T> | undefined;
  maxDeliver: number;
  backoffMs: number[];
  ackWaitMs: number;
  deadLetterSubject: string;
  log: BusLogger;
}

/**
 * ack/nak/term/working publish on the connection and throw once it is closed; the server then
 * redelivers after ack_wait, so logging is all there is to do.
 */
export function settle(log: BusLogger, msg: JsMsg, what: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.warn({ consumer: msg.info.consumer, seq: msg.info.streamSequence, err }, `could not ${what} message`);
  }
}

/**
 * The per-message policy: decode, run the handler, then ack (only after the handler resolved,
 * i.e. the effect is stored), nak with backoff, or dead-letter and terminate. Never throws;
 * resolves true when the handler succeeded.
 */
export function messageProcessor<T>(cfg: ProcessorConfig<T>): (msg: JsMsg) => Promise<boolean> {
  const { js, stream, durable, maxDeliver, backoffMs, log } = cfg;
  const backoffFor = (attempt: number): number =>
    backoffMs[attempt - 1] ?? backoffMs[backoffMs.length - 1] ?? 0;

  const deadLetter = async (msg: JsMsg, reason: DeadLetterReason, error: unknown, attempt: number) => {
    const ctx = { consumer: durable, stream, seq: msg.info.streamSequence, subject: msg.subject, attempt };
    try {
      await publishDeadLetter(js, msg, {
        subject: cfg.deadLetterSubject,
        consumer: durable,
        reason,
        error,
        attempts: attempt,
      });
    } catch (err) {
      if (attempt <= maxDeliver) {
        // The spare server-side delivery (see serverMaxDeliver) brings it back for another hand-off.
        log.error({ ...ctx, err }, 'dead-letter hand-off failed; will retry');
        settle(log, msg, 'nak', () => msg.nak(backoffFor(attempt)));
      } else {
        // The server stops delivering now; it also emits a MAX_DELIVERIES advisory.
        log.error(
          { ...ctx, err },
          'dead-letter hand-off failed on the last delivery; message left in its stream',
        );
      }
      return;
    }
    // No term reason: `+TERM <reason>` is a 2.10 protocol addition.
    settle(log, msg, 'term', () => msg.term());
    log.error(
      { ...ctx, reason, deadLetterSubject: cfg.deadLetterSubject, error: errorText(error) },
      'message dead-lettered',
    );
  };

  return async (msg) => {
    const attempt = msg.info.deliveryCount;
    let event: PrismEvent<T>;
    try {
      event = decodeEvent(msg.data, cfg.dataSchema);
    } catch (err) {
      // Redelivery cannot fix bad bytes: straight to the dead-letter subject.
      await deadLetter(msg, 'poison', err, attempt);
      return false;
    }
    if (attempt > maxDeliver) {
      // Spare delivery: the handler already failed maxDeliver times, only the hand-off is left.
      await deadLetter(
        msg,
        'max_deliver',
        new Error('handler failed; earlier dead-letter hand-off failed'),
        attempt,
      );
      return false;
    }
    const ctx = {
      consumer: durable,
      seq: msg.info.streamSequence,
      eventId: event.id,
      type: event.type,
      attempt,
    };
    // Tell the server we are alive while a slow handler runs, so ack_wait only fires on a crash.
    const heartbeat = setInterval(
      () => settle(log, msg, 'extend', () => msg.working()),
      Math.max(cfg.ackWaitMs / 2, 100),
    );
    heartbeat.unref();
    try {
      // A consumer span, child of the producer's: what the handler causes joins the same trace.
      await inSpan(
        `${durable} ${event.type}`,
        SpanKind.CONSUMER,
        event.traceparent,
        (traceparent) =>
          cfg.handler(event, {
            attempt,
            redelivered: msg.redelivered,
            subject: msg.subject,
            streamSeq: msg.info.streamSequence,
            cause: { space: event.prismspace, traceparent },
          }),
        {
          'messaging.system': 'nats',
          'messaging.consumer.group.name': durable,
          'prism.space': event.prismspace,
        },
      );
    } catch (err) {
      if (attempt < maxDeliver) {
        const delay = backoffFor(attempt);
        log.warn({ ...ctx, err, retryInMs: delay }, 'handler failed; will retry');
        settle(log, msg, 'nak', () => msg.nak(delay));
      } else {
        await deadLetter(msg, 'max_deliver', err, attempt);
      }
      return false;
    } finally {
      clearInterval(heartbeat);
    }
    try {
      // Wait for the server's confirmation so "acked" means acked; a lost ack only means a
      // redelivery, which idempotent handlers absorb.
      await msg.ackAck();
      log.debug(ctx, 'event handled');
    } catch (err) {
      log.warn({ ...ctx, err }, 'ack not confirmed; the event may be redelivered');
    }
    return true;
  };
}
