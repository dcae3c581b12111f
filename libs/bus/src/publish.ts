import { type JetStreamClient, type MsgHdrs, headers as natsHeaders } from 'nats';
import { encodeEvent, natsSubjectOf, type PrismEvent } from './envelope.js';

export interface PublishResult {
  stream: string;
  seq: number;
  /** True when JetStream had already stored this event id inside its duplicate window. */
  duplicate: boolean;
}

export interface PublishOptions {
  /** Ms to wait for the PubAck; a timeout means "unknown", so callers retry and dedupe absorbs it. */
  timeoutMs?: number;
}

/**
 * Publishes an envelope on `<prefix>.<space>.<kind>` and waits for JetStream to store it.
 * `Nats-Msg-Id` is the event id, so a relay that republishes after a crash or a lost ack
 * produces no second copy inside the stream's duplicate window.
 */
export async function publishEvent(
  js: JetStreamClient,
  prefix: string,
  event: PrismEvent,
  opts: PublishOptions = {},
): Promise<PublishResult> {
  const ack = await js.publish(natsSubjectOf(prefix, event), encodeEvent(event), {
    headers: cloudEventHeaders(event),
    ...(opts.timeoutMs !== undefined && { timeout: opts.timeoutMs }),
  });
  return { stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
}

/**
 * Binary-mode CloudEvents headers duplicate a few attributes so partners and tooling can route or
 * trace without parsing the body; the body stays the full structured envelope. `Nats-Msg-Id` is
 * the event id (JetStream's dedupe).
 */
export function cloudEventHeaders(event: PrismEvent): MsgHdrs {
  const h = natsHeaders();
  h.set('Content-Type', 'application/cloudevents+json');
  h.set('Ce-Id', event.id);
  h.set('Ce-Type', event.type);
  h.set('Ce-Source', event.source);
  h.set('Nats-Msg-Id', event.id);
  if (event.traceparent) h.set('traceparent', event.traceparent);
  return h;
}

/**
 * What the outbox relay needs from the bus: store an event durably or throw. Kept this small so
 * the relay can be tested with an in-memory fake.
 */
export interface EventPublisher {
  publish(event: PrismEvent): Promise<{ duplicate: boolean }>;
  /** Many at once, when the bus offers it (see publish-many.ts). */
  publishMany?(events: readonly PrismEvent[]): Promise<void>;
}

export function jetStreamPublisher(
  js: JetStreamClient,
  prefix: string,
  opts: PublishOptions = {},
): EventPublisher {
  return {
    publish: (event) => publishEvent(js, prefix, event, opts),
  };
}
