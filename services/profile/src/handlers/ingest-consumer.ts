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
import { MAX_BATCH_MESSAGES } from '../pipeline/profile-pipeline.js';
import type { ReplayGuard } from './replay-guard.js';

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
  /** Skips a replay of what was already applied (a consumer that lost its state). */
  replayGuard?: ReplayGuard;
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
  const { js, jsm, prefix, logger, replayGuard } = options;
  /** Deliveries acked or terminated: what the replay guard may count as settled. */
  const settled = (spaceId: string, msgs: JsMsg[]) =>
    replayGuard?.settled(
      spaceId,
      msgs.map((msg) => msg.info.streamSequence),
    );
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
      await settled(
        spaceId,
        deliveries.map(({ msg }) => msg),
      );
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
      await settled(delivery.spaceId, [msg]);
      return;
    }
    for (const [index, message] of messages.entries()) {
      await options.pipeline.ingest(delivery.spaceId, [message]).catch(async (failure: unknown) => {
        logger.error({ err: failure, subject: msg.subject, index }, 'batch message dead-lettered');
        await deadLetter(msg, 'max_deliver', failure, { index, raw: rawMessagesOf(delivery)[index] });
      });
    }
    msg.ack();
    await settled(delivery.spaceId, [msg]);
  }

  /** Parses a delivery; dead-letters it when it has no valid message. */
  async function parsed(msg: JsMsg): Promise<Delivery | undefined> {
    const delivery = parseDelivery(msg);
    if ('error' in delivery) {
      await deadLetter(msg, 'poison', new Error(delivery.error));
      msg.term();
      await settled(spaceOf(msg), [msg]);
      return undefined;
    }
    if (delivery.rejected.length > 0)
      logger.warn(
        { subject: msg.subject, rejected: delivery.rejected },
        'published batch had invalid messages',
      );
    return delivery;
  }

  /**
   * A space's deliveries in parts of up to one pipeline batch of messages, each parsed only when
   * its turn nears: at most PARTS_IN_FLIGHT parts are applied at once (one published, one
   * written, one waiting for the writer), so a group of hundreds of thousands of messages is
   * never all in memory parsed.
   */
  async function applySpace(spaceId: string, msgs: JsMsg[]): Promise<void> {
    const applying: Promise<void>[] = [];
    // Only dead-lettering throws (NATS down): every part is still awaited, then it is raised.
    let failure: { error: unknown } | undefined;
    const apply = (part: Delivery[]) =>
      applying.push(
        applyAll(spaceId, part).catch((error: unknown) => {
          failure ??= { error };
        }),
      );
    let part: Delivery[] = [];
    let messages = 0;
    let replayed = 0;
    for (const msg of msgs) {
      if (await replayGuard?.isReplay(spaceId, sequenceOf(msg))) {
        msg.ack();
        replayed += 1;
        continue;
      }
      if (applying.length >= PARTS_IN_FLIGHT) await applying.shift();
      const delivery = await parsed(msg);
      if (!delivery) continue;
      if (part.length > 0 && messages + delivery.messages.length > MAX_BATCH_MESSAGES) {
        apply(part);
        part = [];
        messages = 0;
      }
      part.push(delivery);
      messages += delivery.messages.length;
    }
    if (part.length > 0) apply(part);
    if (replayed > 0)
      logger.warn({ spaceId, replayed }, 'ingest deliveries already applied came again as new: skipped');
    await Promise.all(applying);
    if (failure) throw failure.error;
  }

  async function applyGroup(group: JsMsg[]): Promise<void> {
    const bySpace = new Map<string, JsMsg[]>();
    for (const msg of group) {
      const msgs = bySpace.get(spaceOf(msg)) ?? [];
      msgs.push(msg);
      bySpace.set(spaceOf(msg), msgs);
    }
    await Promise.all([...bySpace].map(([spaceId, msgs]) => applySpace(spaceId, msgs)));
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
  refused: Set<number | undefined>;
  rejected: { field: string; description: string }[];
}

interface Part {
  index: number;
  raw: unknown;
}

const PARTS_IN_FLIGHT = 3;

const spaceOf = (msg: JsMsg) => msg.subject.split('.')[1] ?? '';
const sequenceOf = (msg: JsMsg) => ({ seq: msg.info.streamSequence, deliveryCount: msg.info.deliveryCount });

/**
 * A message of `<prefix>.<space>.ingest.<type>`, validated like an HTTP request of that type
 * (`batch`: several messages). Only a payload with no valid message is poison.
 */
function parseDelivery(msg: JsMsg): Delivery | { error: string } {
  const [, , , type] = msg.subject.split('.');
  const spaceId = spaceOf(msg);
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
