import { ensureStream, type StreamSpec, streamName } from '@prism/bus';
import type { JetStreamClient, JetStreamManager } from 'nats';
import type { TrackingMessage } from '../domain/tracking-message.js';

/**
 * The ingestion stream: every accepted message (HTTP, gRPC, or a partner publishing on NATS)
 * waits here until the pipeline has applied it. "Accepted" means JetStream stored it. Payloads
 * are Segment spec JSON, so partners publish the same thing an SDK sends, on
 * `<prefix>.<space>.ingest.<type>`.
 */
export function ingestStreamSpec(prefix: string, dedupeWindowMs: number): StreamSpec {
  return {
    name: streamName(prefix, 'ingest'),
    subjects: [`${prefix}.*.ingest.*`],
    // messageId dedupe across retries of a sender; the pipeline also remembers each profile's
    // recent message ids, which covers redelivery after the window.
    duplicateWindowMs: dedupeWindowMs,
    // A week of raw input to replay from, should a pipeline bug need it.
    maxAgeMs: 7 * 24 * 3600 * 1000,
  };
}

export function ingestSubjectOf(prefix: string, spaceId: string, type: string): string {
  return `${prefix}.${spaceId}.ingest.${type}`;
}

export interface IngestQueue {
  /** Resolves once JetStream stored every message; `duplicates` were already queued. */
  enqueue(spaceId: string, messages: TrackingMessage[]): Promise<{ duplicates: number }>;
}

export async function openIngestQueue(
  js: JetStreamClient,
  jsm: JetStreamManager,
  prefix: string,
  dedupeWindowMs: number,
): Promise<IngestQueue> {
  await ensureStream(jsm, ingestStreamSpec(prefix, dedupeWindowMs));
  const encoder = new TextEncoder();
  return {
    async enqueue(spaceId, messages) {
      const acks = await Promise.all(
        messages.map((message) =>
          js.publish(
            ingestSubjectOf(prefix, spaceId, message.type),
            encoder.encode(JSON.stringify(segmentJsonOf(message))),
            {
              msgID: `${spaceId}:${message.messageId}`,
            },
          ),
        ),
      );
      return { duplicates: acks.filter((ack) => ack.duplicate).length };
    },
  };
}

/**
 * A validated message back in Segment's spec form (the parser reads it to the same message):
 * the corrected timestamp, no sentAt (the skew is already taken out), and when Prism received it.
 */
export function segmentJsonOf(message: TrackingMessage): Record<string, unknown> {
  const { type, messageId, userId, anonymousId, previousId, groupId, event, name } = message;
  return {
    type,
    messageId,
    ...(userId !== undefined && { userId }),
    ...(anonymousId !== undefined && { anonymousId }),
    ...(previousId !== undefined && { previousId }),
    ...(groupId !== undefined && { groupId }),
    ...(event !== undefined && { event }),
    ...(name !== undefined && { name }),
    ...(type === 'identify' && { traits: message.traits }),
    ...(type === 'group' ? { traits: message.properties } : { properties: message.properties }),
    context: message.context,
    timestamp: message.timestamp.toISOString(),
    receivedAt: message.receivedAt.toISOString(),
  };
}
