import { type Bus, connectBus, streamName } from '@prism/bus';
import { createLogger } from '@prism/log';
import { connectMongo, type MongoConnection } from '@prism/store';
import { eventually, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { ingestSubjectOf, openIngestQueue } from '../pipeline/ingest-queue.js';
import { IngestMarks } from '../store/ingest-marks.js';
import { startIngestConsumer } from './ingest-consumer.js';
import { ReplayGuard } from './replay-guard.js';

const infra = isolatedInfra();
const DEDUPE_MS = 600_000;
let mongo: MongoConnection;
let marks: IngestMarks;
beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  marks = new IngestMarks(mongo.db);
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

const first = (seq: number) => ({ seq, deliveryCount: 1 });

describe('the replay guard', () => {
  it('skips a first delivery at or below what the space settled, and only that', async () => {
    const guard = new ReplayGuard(marks);
    for (const seq of [1, 2, 3]) expect(await guard.isReplay('acme', first(seq))).toBe(false);
    await guard.settled('acme', [1, 2, 3]);
    expect(await guard.isReplay('acme', first(2))).toBe(true);
    expect(await guard.isReplay('acme', { seq: 2, deliveryCount: 2 })).toBe(false);
    expect(await guard.isReplay('acme', first(4))).toBe(false);
    expect(await guard.isReplay('globex', first(2))).toBe(false);
  });

  it('settles no further than a delivery still waiting after a nak, so a replay applies it', async () => {
    const guard = new ReplayGuard(marks);
    for (const seq of [10, 11, 12]) await guard.isReplay('nak', first(seq));
    await guard.settled('nak', [10, 12]);
    expect(await marks.settledThrough('nak')).toBe(10);
    expect(await guard.isReplay('nak', first(11))).toBe(false);
    await guard.settled('nak', [11]);
    expect(await marks.settledThrough('nak')).toBe(12);
  });

  it('keeps its mark across restarts', async () => {
    await new ReplayGuard(marks).settled('restarted', []);
    const before = new ReplayGuard(marks);
    await before.isReplay('restarted', first(40));
    await before.settled('restarted', [40]);
    expect(await new ReplayGuard(marks).isReplay('restarted', first(40))).toBe(true);
  });
});

describe('an ingest consumer that lost its state', () => {
  let bus: Bus;
  beforeAll(async () => {
    bus = await connectBus({
      servers: infra.natsUrl,
      name: 'replay-guard-test',
      prefix: infra.subjectPrefix,
    });
    await openIngestQueue(bus.js, bus.jsm, infra.subjectPrefix, DEDUPE_MS);
  });
  afterAll(() => bus?.close());

  it('applies nothing twice when the stream comes again from its start', async () => {
    const applied: string[] = [];
    const pipeline = {
      async ingest(_spaceId: string, messages: TrackingMessage[]) {
        applied.push(...messages.map((message) => message.messageId));
      },
    };
    const start = () =>
      startIngestConsumer({
        js: bus.js,
        jsm: bus.jsm,
        prefix: infra.subjectPrefix,
        dedupeWindowMs: DEDUPE_MS,
        pipeline,
        logger: createLogger('replay-guard-test', { level: 'silent' }),
        replayGuard: new ReplayGuard(marks),
      });
    const publish = (messageId: string) =>
      bus.js.publish(
        ingestSubjectOf(infra.subjectPrefix, 'initech', 'track'),
        JSON.stringify({ type: 'track', messageId, userId: 'u-1', event: 'Viewed' }),
      );
    const consumer = await start();
    for (const id of ['e-1', 'e-2', 'e-3']) await publish(id);
    await eventually(async () => (applied.length === 3 ? true : undefined));
    await consumer.stop();
    // What a reset ack floor does: the durable is made again and delivers everything from the start.
    await bus.jsm.consumers.delete(streamName(infra.subjectPrefix, 'ingest'), 'profile-ingest');
    const again = await start();
    await publish('e-4');
    await eventually(async () => (applied.includes('e-4') ? true : undefined));
    await again.stop();
    expect(applied).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);
  });
});
