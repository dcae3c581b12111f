import {
  type BusLogger,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureDurableConsumer,
  publishDeadLetter,
} from '@prism/bus';
import type { JetStreamClient, JetStreamManager, JsMsg } from 'nats';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { parseTrackingRequest } from '../http/parse.js';
import { ingestStreamSpec } from './ingest-queue.js';

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
  /** Messages applied per batch: one identity slice, one write round, one publish round. */
  batchSize?: number;
  maxDeliver?: number;
}

export interface IngestConsumer {
  stop(): Promise<void>;
}

const DURABLE = 'profile-ingest';
const ACK_WAIT_MS = 10_000;

/**
 * Pulls the ingestion stream in batches and applies each space's share in order. A batch that
 * fails is retried message by message, so one poison message is dead-lettered alone after
 * `maxDeliver` attempts instead of taking its batch down with it.
 */
export async function startIngestConsumer(options: IngestConsumerOptions): Promise<IngestConsumer> {
  const { js, jsm, prefix, logger } = options;
  const maxDeliver = options.maxDeliver ?? 5;
  const stream = ingestStreamSpec(prefix, options.dedupeWindowMs).name;
  await ensureDeadLetterStream(jsm, prefix);
  await ensureDurableConsumer(jsm, {
    stream,
    durable: DURABLE,
    filterSubject: `${prefix}.*.ingest.*`,
    maxDeliver,
    // Short, so a delivery the client lost (a pull that expired as messages arrived: seen on
    // NATS 2.9) comes back within seconds; a batch in flight keeps its messages with `working()`.
    ackWaitMs: ACK_WAIT_MS,
    maxAckPending: 20_000,
  });
  const consumer = await js.consumers.get(stream, DURABLE);
  let stopped = false;
  const deadLetter = (msg: JsMsg, reason: 'poison' | 'max_deliver', error: unknown) =>
    publishDeadLetter(js, msg, {
      subject: deadLetterSubjectOf(prefix, DURABLE),
      consumer: DURABLE,
      reason,
      error,
      attempts: msg.info.deliveryCount,
    }).then(() => msg.term());

  async function applyAll(spaceId: string, deliveries: Delivery[]): Promise<void> {
    try {
      await options.pipeline.ingest(
        spaceId,
        deliveries.map(({ message }) => message),
      );
      for (const { msg } of deliveries) msg.ack();
      return;
    } catch (error) {
      if (deliveries.length === 1) return settleFailure(deliveries[0] as Delivery, error);
      logger.warn(
        { err: error, spaceId, size: deliveries.length },
        'batch failed; applying its messages one by one',
      );
    }
    for (const delivery of deliveries) {
      // A stop does not wait for a slow one-by-one pass: what is left comes back after a nak.
      if (stopped) delivery.msg.nak();
      else await applyAll(spaceId, [delivery]);
    }
  }

  async function settleFailure({ msg }: Delivery, error: unknown): Promise<void> {
    if (msg.info.deliveryCount >= maxDeliver) {
      logger.error(
        { err: error, subject: msg.subject },
        'ingest message dead-lettered after its last attempt',
      );
      await deadLetter(msg, 'max_deliver', error);
    } else {
      msg.nak(Math.min(30_000, 250 * 2 ** msg.info.deliveryCount));
    }
  }

  async function handle(batch: JsMsg[]): Promise<void> {
    const heartbeat = setInterval(() => {
      for (const msg of batch) msg.working();
    }, ACK_WAIT_MS / 3);
    try {
      await applyBatch(batch);
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function applyBatch(batch: JsMsg[]): Promise<void> {
    const bySpace = new Map<string, Delivery[]>();
    for (const msg of batch) {
      const parsed = parseDelivery(msg);
      if ('error' in parsed) {
        await deadLetter(msg, 'poison', new Error(parsed.error));
        continue;
      }
      const deliveries = bySpace.get(parsed.spaceId) ?? [];
      deliveries.push(parsed);
      bySpace.set(parsed.spaceId, deliveries);
    }
    await Promise.all([...bySpace].map(([spaceId, deliveries]) => applyAll(spaceId, deliveries)));
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        const batch: JsMsg[] = [];
        const fetched = await consumer.fetch({ max_messages: options.batchSize ?? 1000, expires: 1000 });
        for await (const msg of fetched) batch.push(msg);
        if (batch.length > 0) await handle(batch);
      } catch (error) {
        if (!stopped) logger.error({ err: error }, 'ingest pull failed; retrying');
        if (!stopped) await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

interface Delivery {
  msg: JsMsg;
  spaceId: string;
  message: TrackingMessage;
}

/** A message of `<prefix>.<space>.ingest.<type>`, validated like an HTTP request of that type. */
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
  const [message] = messages;
  if (!message || messages.length !== 1) {
    return {
      error: rejected.map((r) => `${r.field}: ${r.description}`).join('; ') || 'one message per NATS message',
    };
  }
  return { msg, spaceId, message };
}
