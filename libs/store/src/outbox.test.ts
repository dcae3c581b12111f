import {
  type Bus,
  connectBus,
  createEvent,
  ensureStream,
  type PrismEvent,
  silentLogger,
  startConsumer,
  streamName,
} from '@prism/bus';
import { isolatedInfra } from '@prism/testing';
import type { Collection } from 'mongodb';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateStorage } from './aggregate-storage.js';
import { connectMongo, type MongoConnection } from './connection.js';
import { OutboxRelay } from './relay.js';
import { reviseDocument } from './revisions.js';
import { type AggregateDocument, SpaceScopedCollection } from './space-scoped-collection.js';

interface Counter extends AggregateDocument {
  value: number;
}

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const stream = streamName(prefix, 'outbox_test');

let mongo: MongoConnection;
let bus: Bus;
let raw: Collection<Counter>;
let counters: SpaceScopedCollection<Counter>;
let storage: AggregateStorage;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  bus = await connectBus({ servers: infra.natsUrl, name: 'outbox-test', prefix });
  await ensureStream(bus.jsm, { name: stream, subjects: [`${prefix}.*.counter.*`] });
  raw = mongo.db.collection<Counter>('counters');
  // No lease: these tests look at markers right after the writes that set them.
  storage = new AggregateStorage(mongo.db, { leaseMs: 0 });
  counters = new SpaceScopedCollection(raw, 'counter', storage);
});

afterAll(async () => {
  await bus?.close();
  await mongo?.close();
  await infra.cleanup();
});

const incremented = (id: string, n: number) =>
  createEvent({ source: 'prism/test', kind: 'counter.incremented', space: 'acme', subject: id, data: { n } });

/** Collects what a new durable consumer receives about one counter until `count` events arrived. */
async function receive(
  durable: string,
  counterId: string,
  count: number,
  handle?: (event: PrismEvent, attempt: number) => Promise<void>,
) {
  const received: PrismEvent[] = [];
  let done: () => void = () => {};
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  const consumer = await startConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix,
    stream,
    durable,
    filterSubject: `${prefix}.*.counter.*`,
    backoffMs: [50],
    logger: silentLogger,
    handler: async (event, delivery) => {
      if (event.subject !== counterId) return;
      await handle?.(event, delivery.attempt);
      received.push(event);
      if (received.length >= count) done();
    },
  });
  return { received, all, consumer };
}

describe('outbox without transactions', () => {
  it('delivers exactly one event per consumer when the relay crashes after publishing and before clearing', async () => {
    const first = incremented('c1', 1);
    const second = incremented('c1', 2);
    await counters.insert('acme', { _id: 'c1', value: 0 }, [first, second]);

    const failures: unknown[] = [];
    const crashing = new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: { ...silentLogger, error: (obj: { err?: unknown }) => failures.push(obj.err) },
      afterPublish: () => {
        throw new Error('relay process killed after publish');
      },
    });
    expect(await crashing.drainOnce()).toBe(0);
    expect(String(failures[0])).toContain('killed');
    expect((await raw.findOne({ _id: 'c1' }))?.outbox.map((e) => e.id)).toEqual([first.id, second.id]);

    const metrics = new Registry();
    const restarted = new OutboxRelay({ storage, publisher: bus.publisher, logger: silentLogger, metrics });
    expect(await restarted.drainOnce()).toBe(2);
    expect(await metrics.getSingleMetricAsString('prism_outbox_events_published_total')).toContain(
      'prism_outbox_events_published_total{collection="counters"} 2',
    );
    expect((await raw.findOne({ _id: 'c1' }))?.outbox).toEqual([]);

    const info = await bus.jsm.streams.info(stream);
    expect(info.state.messages).toBe(2);
    const { received, all, consumer } = await receive('relay_crash', 'c1', 2);
    await all;
    await consumer.stop();
    expect(received.map((e) => e.id)).toEqual([first.id, second.id]);
  });

  it('lets a consumer that crashed before its ack get the event again without applying it twice', async () => {
    await counters.insert('acme', { _id: 'c2', value: 0 }, [incremented('c2', 5)]);
    await new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: silentLogger,
    }).drainOnce();

    const totals = mongo.db.collection<{ _id: string; spaceId: string; value: number; applied: string[] }>(
      'totals',
    );
    const attempts: number[] = [];
    const { all, consumer } = await receive('consumer_crash', 'c2', 1, async (event, attempt) => {
      attempts.push(attempt);
      const n = (event.data as { n: number }).n;
      // The effect and the event id it applied are one conditional write: a redelivery sees the id.
      await reviseDocument(totals, 'acme', 'totals', (current) =>
        current?.applied.includes(event.id)
          ? undefined
          : { value: (current?.value ?? 0) + n, applied: [...(current?.applied ?? []), event.id] },
      );
      // The effect is stored; the process dies before it can ack.
      if (attempt === 1) throw new Error('consumer killed before ack');
    });
    await all;
    await consumer.stop();
    expect(attempts).toEqual([1, 2]);
    expect((await totals.findOne({ _id: 'totals' }))?.value).toBe(5);
  });

  it('removes a deleted aggregate only after its last events are published', async () => {
    const created = await counters.insert('acme', { _id: 'c3', value: 0 }, []);
    await counters.remove('acme', 'c3', created.version, [incremented('c3', 0)]);
    expect(await counters.find('acme', 'c3')).toBeNull();
    expect(await raw.findOne({ _id: 'c3' })).not.toBeNull();

    await new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: silentLogger,
    }).drainOnce();
    expect(await raw.findOne({ _id: 'c3' })).toBeNull();
  });

  it('loses no write and no event while the relay clears outboxes under concurrent writers', async () => {
    const doc = await counters.insert('acme', { _id: 'c5', value: 0 }, []);
    const relay = new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: silentLogger,
      pollIntervalMs: 5,
    });
    relay.start();
    const sent: string[] = [];
    let current = doc;
    try {
      for (let n = 1; n <= 40; n++) {
        const event = incremented('c5', n);
        sent.push(event.id);
        current = await counters.update('acme', 'c5', current.version, { value: current.value + n }, [event]);
      }
      await expect
        .poll(async () => (await raw.findOne({ _id: 'c5' }))?.outbox.length, { timeout: 10_000 })
        .toBe(0);
    } finally {
      await relay.stop();
    }
    const stored = await counters.get('acme', 'c5');
    expect(stored).toMatchObject({ version: 41, value: (40 * 41) / 2 });
    const { received, all, consumer } = await receive('writers_race', 'c5', 40);
    await all;
    await consumer.stop();
    expect(received.map((e) => e.id)).toEqual(sent);
  });

  it('keeps publishing other documents while one of them cannot be published', async () => {
    const stuck = createEvent({
      source: 'prism/test',
      kind: 'nowhere.lost',
      space: 'acme',
      subject: 'c6',
      data: {},
    });
    await counters.insert('acme', { _id: 'c6', value: 0 }, [stuck]);
    await counters.insert('acme', { _id: 'c7', value: 0 }, [incremented('c7', 1)]);
    const relay = new OutboxRelay({ storage, publisher: bus.publisher, logger: silentLogger });
    expect(await relay.drainOnce()).toBe(1);
    expect((await raw.findOne({ _id: 'c7' }))?.outbox).toEqual([]);
    // No stream captures `nowhere.*`: the event waits in its outbox, marked, for a later pass.
    expect((await raw.findOne({ _id: 'c6' }))?.outbox.map((e) => e.id)).toEqual([stuck.id]);
    expect(await storage.pending.quietFor(-1, 100)).toContainEqual(
      expect.objectContaining({ collection: 'counters', spaceId: 'acme', id: 'c6' }),
    );
  });

  it('forgets a pending marker whose write never happened (a crash between the two)', async () => {
    await storage.pending.mark({ collection: 'counters', spaceId: 'acme', id: 'never-written' });
    await new OutboxRelay({ storage, publisher: bus.publisher, logger: silentLogger }).drainOnce();
    expect(await storage.pending.quietFor(-1, 100)).not.toContainEqual(
      expect.objectContaining({ collection: 'counters', spaceId: 'acme', id: 'never-written' }),
    );
  });

  it('publishes soon after a write while running, without being told', async () => {
    const relay = new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: silentLogger,
      pollIntervalMs: 60_000,
    });
    relay.start();
    try {
      // No kick: the write wakes the relay through the storage it shares.
      await counters.insert('acme', { _id: 'c4', value: 0 }, [incremented('c4', 1)]);
      await expect
        .poll(async () => (await raw.findOne({ _id: 'c4' }))?.outbox.length, { timeout: 5_000 })
        .toBe(0);
    } finally {
      await relay.stop();
    }
  });

  it('lets the next command carry away what the relay published, so the relay need not clear it', async () => {
    const relay = new OutboxRelay({
      storage,
      publisher: bus.publisher,
      logger: silentLogger,
      clearAfterMs: 60_000,
    });
    relay.start();
    try {
      const first = incremented('c8', 1);
      await counters.insert('acme', { _id: 'c8', value: 0 }, [first]);
      await expect.poll(() => storage.published.has(first.id), { timeout: 5_000 }).toBe(true);
      const second = incremented('c8', 2);
      await counters.change('acme', 'c8', (current) => ({
        set: { value: current.value + 2 },
        events: [second],
      }));
      const stored = await raw.findOne({ _id: 'c8' });
      expect(stored?.outbox.map((e) => e.id)).not.toContain(first.id);
    } finally {
      await relay.stop();
    }
    expect((await raw.findOne({ _id: 'c8' }))?.outbox).toEqual([]);
  });

  it('keeps a marker younger than its lease, even on a clean document, so a writer between mark and write loses nothing', async () => {
    const leased = new AggregateStorage(mongo.db, { leaseMs: 60_000 });
    const ref = { collection: 'counters', spaceId: 'acme', id: 'c9' };
    await leased.pending.mark(ref); // a writer marked and has not written yet
    await new OutboxRelay({ storage: leased, publisher: bus.publisher, logger: silentLogger }).drainOnce();
    expect(await leased.pending.quietFor(-1, 100)).toContainEqual(expect.objectContaining(ref));
    const leasedCounters = new SpaceScopedCollection(raw, 'counter', leased);
    const late = incremented('c9', 9);
    await leasedCounters.insert('acme', { _id: 'c9', value: 9 }, [late]); // its write lands now
    expect(
      await new OutboxRelay({ storage: leased, publisher: bus.publisher, logger: silentLogger }).drainOnce(),
    ).toBe(1);
  });
});
