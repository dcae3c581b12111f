import {
  type BusLogger,
  consumeInGroups,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureDurableConsumer,
  publishDeadLetter,
} from '@prism/bus';
import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { parseTrackingRequest } from '../http/parse.js';
import { ingestStreamSpec } from '../pipeline/ingest-queue.js';

export interface IngestApplier {
  /** Applies one space's messages in order; resolves once they are stored. */
  ingest(spaceId: string, messages: TrackingMessage[]): Promise<unknown>;
}

export interface IngestConsumerOptions {
  js: JetStreamClient;
  jsm: JetStreamManager;
  prefix: string;
  dedupeWindowMs: number;
  pipeline: IngestApplier;
  logger: BusLogger;
  /** JetStream messages (each one tracking message or a batch of them) in flight at most. */
  inFlight?: number;
  maxDeliver?: number;
}

export interface IngestConsumer {
  stop(): Promise<void>;
}

const DURABLE = 'profile-ingest';
const ACK_WAIT_MS = 10_000;

/**
 * Applies the ingestion stream with group commit: whatever arrived while one apply ran is the
 * next apply, one call per space (one identity pass, one write round, one publish round). A
 * failed group is retried delivery by delivery; a delivery that keeps failing is dead-lettered
 * after `maxDeliver` attempts — on the last one message by message, so one poison message of a
 * batch goes alone and the rest are applied.
 */
export async function startIngestConsumer(options: IngestConsumerOptions): Promise<IngestConsumer> {
  const { js, jsm, prefix, logger } = options;
  const maxDeliver = options.maxDeliver ?? 5;
  const stream = ingestStreamSpec(prefix, options.dedupeWindowMs).name;
  const inFlight = options.inFlight ?? 256;
  await ensureDeadLetterStream(jsm, prefix);
  await ensureDurableConsumer(jsm, {
    stream,
    durable: DURABLE,
    filterSubject: `${prefix}.*.ingest.*`,
    maxDeliver,
    ackWaitMs: ACK_WAIT_MS,
    // Bounds what waits in memory: the server delivers no more until some are acked.
    maxAckPending: inFlight,
  });
  const consumer = await js.consumers.get(stream, DURABLE);
  const deadLetter = (msg: JsMsg, reason: 'poison' | 'max_deliver', error: unknown, part?: Part) =>
    publishDeadLetter(js, msg, {
      subject: deadLetterSubjectOf(prefix, DURABLE),
      consumer: DURABLE,
      reason,
      error,
      attempts: msg.info.deliveryCount,
      ...(part && { part: { index: part.index, data: new TextEncoder().encode(JSON.stringify(part.raw)) } }),
    });

  // Set once consuming starts; a group applied meanwhile reads it only to see a stop.
  let groups: Awaited<ReturnType<typeof consumeInGroups>> | undefined;
  async function applyAll(spaceId: string, deliveries: Delivery[]): Promise<void> {
    try {
      await options.pipeline.ingest(
        spaceId,
        deliveries.flatMap(({ messages }) => messages),
      );
      for (const { msg } of deliveries) msg.ack();
      return;
    } catch (error) {
      if (deliveries.length === 1) return settleFailure(deliveries[0] as Delivery, error);
      logger.warn(
        { err: error, spaceId, size: deliveries.length },
        'batch failed; applying its deliveries one by one',
      );
    }
    for (const delivery of deliveries) {
      // A stop does not wait for a slow one-by-one pass: what is left comes back after a nak.
      if (groups?.stopped) delivery.msg.nak();
      else await applyAll(spaceId, [delivery]);
    }
  }

  async function settleFailure(delivery: Delivery, error: unknown): Promise<void> {
    const { msg, messages } = delivery;
    if (msg.info.deliveryCount < maxDeliver) {
      msg.nak(Math.min(30_000, 250 * 2 ** msg.info.deliveryCount));
      return;
    }
    if (messages.length === 1) {
      logger.error(
        { err: error, subject: msg.subject },
        'ingest message dead-lettered after its last attempt',
      );
      await deadLetter(msg, 'max_deliver', error);
      msg.term();
      return;
    }
    for (const [index, message] of messages.entries()) {
      await options.pipeline.ingest(delivery.spaceId, [message]).catch(async (failure: unknown) => {
        logger.error({ err: failure, subject: msg.subject, index }, 'batch message dead-lettered');
        await deadLetter(msg, 'max_deliver', failure, { index, raw: rawMessagesOf(delivery)[index] });
      });
    }
    msg.ack();
  }

  async function applyGroup(group: JsMsg[]): Promise<void> {
    const bySpace = new Map<string, Delivery[]>();
    for (const msg of group) {
      const parsed = parseDelivery(msg);
      if ('error' in parsed) {
        await deadLetter(msg, 'poison', new Error(parsed.error));
        msg.term();
        continue;
      }
      if (parsed.rejected.length > 0)
        logger.warn(
          { subject: msg.subject, rejected: parsed.rejected },
          'published batch had invalid messages',
        );
      const deliveries = bySpace.get(parsed.spaceId) ?? [];
      deliveries.push(parsed);
      bySpace.set(parsed.spaceId, deliveries);
    }
    await Promise.all([...bySpace].map(([spaceId, deliveries]) => applyAll(spaceId, deliveries)));
  }

  groups = await consumeInGroups(consumer, {
    maxMessages: inFlight,
    // Everything received is held (not redelivered) until it is applied, however long that takes.
    workingEveryMs: ACK_WAIT_MS / 3,
    apply: applyGroup,
    // Only dead-lettering can throw here (NATS down): what was not settled comes back.
    onError: (error) =>
      logger.error({ err: error }, 'ingest group failed; its unsettled messages will be redelivered'),
  });
  const running = groups;
  return { stop: () => running.stop() };
}

interface Delivery {
  msg: JsMsg;
  spaceId: string;
  messages: TrackingMessage[];
  /** Indexes (in the payload) of the messages refused as invalid. */
  refused: Set<number>;
  rejected: { field: string; description: string }[];
}

interface Part {
  index: number;
  raw: unknown;
}

/**
 * A message of `<prefix>.<space>.ingest.<type>`, validated like an HTTP request of that type
 * (`batch`: several messages). Only a payload with no valid message is poison.
 */
function parseDelivery(msg: JsMsg): Delivery | { error: string } {
  const [, spaceId, , type] = msg.subject.split('.');
  let body: unknown;
  try {
    body = msg.json();
  } catch {
    return { error: 'the payload is not JSON' };
  }
  const stated =
    typeof (body as { receivedAt?: unknown })?.receivedAt === 'string'
      ? (body as { receivedAt: string }).receivedAt
      : undefined;
  const receivedAt = stated ? new Date(stated) : new Date(Math.floor(msg.info.timestampNanos / 1e6));
  if (Number.isNaN(receivedAt.getTime()) || !spaceId) return { error: 'receivedAt is not a date' };
  const route = type === 'batch' ? 'batch' : (type as Parameters<typeof parseTrackingRequest>[0]);
  const { messages, rejected } = parseTrackingRequest(route, body, receivedAt);
  if (messages.length === 0) {
    return { error: rejected.map((r) => `${r.field}: ${r.description}`).join('; ') || 'no message' };
  }
  return {
    msg,
    spaceId,
    messages,
    refused: new Set(rejected.map(({ index }) => index)),
    rejected: rejected.map(({ field, description }) => ({ field, description })),
  };
}

/**
 * Each valid message of a delivery as published, for dead-lettering one of a batch: parsed again
 * on that rare path, so a group in flight holds no second copy of every message.
 */
function rawMessagesOf({ msg, refused }: Delivery): unknown[] {
  const body = msg.json<unknown>();
  if (!msg.subject.endsWith('.batch')) return [body];
  return (body as { batch: unknown[] }).batch.filter((_, i) => !refused.has(i));
}
