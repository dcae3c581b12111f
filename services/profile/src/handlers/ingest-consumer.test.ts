import { type Bus, connectBus, DLQ_HEADERS, deadLetterSubjectOf, streamName } from '@prism/bus';
import { createLogger } from '@prism/log';
import { eventually, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { ingestSubjectOf, openIngestQueue } from '../pipeline/ingest-queue.js';
import { type IngestConsumer, startIngestConsumer } from './ingest-consumer.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const DEDUPE_MS = 600_000;

/** The pipeline's stand-in: records what it applied and refuses messages whose id starts with `poison`. */
function recordingApplier() {
  const applied: { spaceId: string; messageIds: string[] }[] = [];
  return {
    applied,
    messageIds: (spaceId: string) =>
      applied.filter((call) => call.spaceId === spaceId).flatMap((call) => call.messageIds),
    async ingest(spaceId: string, messages: TrackingMessage[]) {
      if (messages.some((message) => message.messageId.startsWith('poison')))
        throw new Error('cannot apply a poison message');
      applied.push({ spaceId, messageIds: messages.map((message) => message.messageId) });
    },
  };
}

describe('the ingest consumer', () => {
  let bus: Bus;
  let consumer: IngestConsumer;
  const applier = recordingApplier();
  beforeAll(async () => {
    bus = await connectBus({ servers: infra.natsUrl, name: 'ingest-consumer-test', prefix });
    await openIngestQueue(bus.js, bus.jsm, prefix, DEDUPE_MS);
    consumer = await startIngestConsumer({
      js: bus.js,
      jsm: bus.jsm,
      prefix,
      dedupeWindowMs: DEDUPE_MS,
      pipeline: applier,
      logger: createLogger('ingest-consumer-test', { level: 'silent' }),
      maxDeliver: 2,
    });
    const track = (messageId: string) => ({ type: 'track', messageId, userId: 'u-1', event: 'Viewed' });
    await bus.js.publish(
      ingestSubjectOf(prefix, 'acme', 'batch'),
      JSON.stringify({ batch: [track('ok-1'), track('poison-1'), track('ok-2'), { type: 'nonsense' }] }),
    );
  }, 60_000);
  afterAll(async () => {
    await consumer?.stop();
    await infra.cleanup();
    await bus?.close();
  });

  it('applies the rest of a batch and dead-letters its poison message alone after the last attempt', async () => {
    const dead = await eventually(async () => {
      const stored = await bus.jsm.streams
        .getMessage(streamName(prefix, 'dlq'), {
          last_by_subj: deadLetterSubjectOf(prefix, 'profile-ingest'),
        })
        .catch(() => undefined);
      return stored;
    });
    expect(dead.json<{ messageId: string }>().messageId).toBe('poison-1');
    expect(dead.header.get(DLQ_HEADERS.part)).toBe('1');
    expect(dead.header.get(DLQ_HEADERS.reason)).toBe('max_deliver');
    await eventually(async () => (applier.messageIds('acme').includes('ok-2') ? true : undefined));
    expect(applier.messageIds('acme')).toEqual(['ok-1', 'ok-2']);
  });

  it('queues a request as one deduplicated stream message and applies it in order', async () => {
    const queue = await openIngestQueue(bus.js, bus.jsm, prefix, DEDUPE_MS);
    const receivedAt = new Date();
    const messages: TrackingMessage[] = ['a', 'b', 'c'].map((id) => ({
      type: 'identify',
      messageId: `m-${id}`,
      userId: `user-${id}`,
      traits: { plan: id },
      properties: {},
      context: {},
      externalIds: [],
      timestamp: receivedAt,
      receivedAt,
    }));
    expect(await queue.enqueue('globex', messages)).toEqual({ duplicates: 0 });
    expect(await queue.enqueue('globex', messages)).toEqual({ duplicates: 3 });
    await eventually(async () => (applier.messageIds('globex').length === 3 ? true : undefined));
    expect(applier.messageIds('globex')).toEqual(['m-a', 'm-b', 'm-c']);
    const stream = await bus.jsm.streams.info(streamName(prefix, 'ingest'), {
      subjects_filter: ingestSubjectOf(prefix, 'globex', '*'),
    });
    expect(stream.state.subjects).toEqual({ [ingestSubjectOf(prefix, 'globex', 'batch')]: 1 });
  });
});
