import { createHash } from 'node:crypto';
import { ensureStream, type StreamSpec, streamName } from '@prism/bus';
import type { JetStreamClient, JetStreamManager } from 'nats';
import type { TrackingMessage } from '../domain/tracking-message.js';

/**
 * The ingestion stream: every accepted message (HTTP, gRPC, or a partner publishing on NATS)
 * waits here until the pipeline has applied it. "Accepted" means JetStream stored it. Payloads
 * are Segment spec JSON, so partners publish the same thing an SDK sends, on
 * `<prefix>.<space>.ingest.<type>`: one message, or a `{batch: [...]}` on `ingest.batch`.
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

/** A JetStream message stays well under NATS's default 1 MB payload limit. */
const MAX_QUEUED_BYTES = 512 * 1024;

export async function openIngestQueue(
  js: JetStreamClient,
  jsm: JetStreamManager,
  prefix: string,
  dedupeWindowMs: number,
): Promise<IngestQueue> {
  await ensureStream(jsm, ingestStreamSpec(prefix, dedupeWindowMs));
  const encoder = new TextEncoder();
  return {
    // One JetStream message per request (split only past MAX_QUEUED_BYTES): a publish and its
    // ack cost the same for one event or five hundred.
    async enqueue(spaceId, messages) {
      const acks = await Promise.all(
        queuedBatchesOf(messages).map(async (batch) => {
          const ack = await js.publish(
            ingestSubjectOf(prefix, spaceId, 'batch'),
            encoder.encode(batch.json),
            { msgID: `${spaceId}:${batch.dedupeKey}` },
          );
          return ack.duplicate ? batch.size : 0;
        }),
      );
      return { duplicates: acks.reduce((sum, duplicates) => sum + duplicates, 0) };
    },
  };
}

interface QueuedBatch {
  json: string;
  size: number;
  /** The message id of a single message; a digest of the ids of several, so a resent request is one duplicate. */
  dedupeKey: string;
}

function queuedBatchesOf(messages: TrackingMessage[]): QueuedBatch[] {
  const batches: QueuedBatch[] = [];
  // One request's messages share the time Prism received them (the consumer reads it here).
  const receivedAt = JSON.stringify(messages[0]?.receivedAt ?? new Date());
  let part: { json: string; id: string }[] = [];
  let bytes = 0;
  const flush = () => {
    if (part.length === 0) return;
    const dedupeKey =
      part.length === 1
        ? (part[0] as { id: string }).id
        : `batch:${createHash('sha256')
            .update(part.map(({ id }) => id).join('\n'))
            .digest('base64url')}`;
    const batch = part.map(({ json }) => json).join(',');
    batches.push({ json: `{"receivedAt":${receivedAt},"batch":[${batch}]}`, size: part.length, dedupeKey });
    part = [];
    bytes = 0;
  };
  for (const message of messages) {
    const json = JSON.stringify(segmentJsonOf(message));
    const size = Buffer.byteLength(json) + 1;
    if (bytes + size > MAX_QUEUED_BYTES) flush();
    part.push({ json, id: message.messageId });
    bytes += size;
  }
  flush();
  return batches;
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
