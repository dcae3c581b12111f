import { createInbox, type Msg, type NatsConnection } from 'nats';
import { encodeEvent, natsSubjectOf, type PrismEvent } from './envelope.js';
import { cloudEventHeaders } from './publish.js';

/** Publishes many events and resolves once JetStream stored each (or throws on the first refusal). */
export type PublishMany = (events: readonly PrismEvent[]) => Promise<void>;

/**
 * JetStream publishes without a request object each: every event goes out with a reply subject
 * under one inbox this connection subscribes to once, and one timer covers the whole call.
 * `js.publish` made a request per event (a timer, a muxed subscription entry, an Error for its
 * cancellation), which cost more CPU than the profile service's planning of a batch.
 */
export function publishMany(nc: NatsConnection, prefix: string, timeoutMs = 10_000): PublishMany {
  const inbox = createInbox();
  const waiting = new Map<string, (reply: Msg) => void>();
  let next = 0;
  nc.subscribe(`${inbox}.*`, {
    callback: (_error, reply) => {
      const token = reply.subject.slice(inbox.length + 1);
      waiting.get(token)?.(reply);
      waiting.delete(token);
    },
  });
  return async (events) => {
    const tokens: string[] = [];
    const acks = events.map(
      (event) =>
        new Promise<Msg>((resolve) => {
          const token = String(next++);
          tokens.push(token);
          waiting.set(token, resolve);
          nc.publish(natsSubjectOf(prefix, event), encodeEvent(event), {
            reply: `${inbox}.${token}`,
            headers: cloudEventHeaders(event),
          });
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no JetStream ack within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      for (const reply of await Promise.race([Promise.all(acks), timedOut])) checkAck(reply);
    } finally {
      clearTimeout(timer);
      for (const token of tokens) waiting.delete(token);
    }
  };
}

/** A PubAck names the stream that stored the event; anything else is a refusal. */
function checkAck(reply: Msg): void {
  if (reply.headers?.hasError)
    throw new Error(`JetStream publish failed: ${reply.headers.code} ${reply.headers.description}`);
  const ack = reply.json<{ stream?: string; error?: { code: number; description: string } }>();
  if (ack.error) throw new Error(`JetStream refused an event: ${ack.error.code} ${ack.error.description}`);
  if (!ack.stream) throw new Error('JetStream answered without a stream');
}
