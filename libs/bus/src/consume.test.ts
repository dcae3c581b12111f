import { isolatedInfra } from '@prism/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from './connect.js';
import { type ConsumerHandle, type Delivery, startConsumer } from './consume.js';
import { createEvent, type PrismEvent, subjectOf } from './envelope.js';
import type { BusLogger } from './logger.js';
import { publishEvent } from './publish.js';
import { deadLetterStreamName, ensureStream, streamName } from './streams.js';
import { gate, openBus, recordingLogger, testLogger, waitFor } from './test-support.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const stream = streamName(prefix, 'events');
let bus: Bus;
const handles: ConsumerHandle[] = [];

beforeAll(async () => {
  bus = await openBus(prefix);
  await ensureStream(bus.jsm, { name: stream, subjects: [`${prefix}.*.test.*`] });
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.stop()));
});

afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

const event = (space: string, n: number) =>
  createEvent({ source: 'prism/test', kind: 'test.happened', space, subject: `agg_${n}`, data: { n } });

/** A consumer of one space's events; each test uses its own space and durable. */
async function consumer(
  space: string,
  handler: (e: PrismEvent<{ n: number }>, d: Delivery) => Promise<void>,
  extra: { ackWaitMs?: number; busOverride?: Bus; logger?: BusLogger } = {},
): Promise<ConsumerHandle> {
  const b = extra.busOverride ?? bus;
  const handle = await startConsumer<{ n: number }>({
    js: b.js,
    jsm: b.jsm,
    prefix,
    stream,
    durable: `${space}-worker`,
    filterSubject: subjectOf(prefix, space, 'test.*'),
    handler,
    backoffMs: [20, 50],
    logger: extra.logger ?? testLogger,
    ...(extra.ackWaitMs !== undefined && { ackWaitMs: extra.ackWaitMs }),
  });
  if (!extra.busOverride) handles.push(handle);
  return handle;
}

describe('startConsumer', () => {
  it('delivers events in publish order and acks each one after its handler resolves', async () => {
    for (let n = 1; n <= 20; n++) await publishEvent(bus.js, prefix, event('order', n));
    const seen: number[] = [];
    const handle = await consumer('order', async (e, d) => {
      expect(d).toMatchObject({ attempt: 1, redelivered: false, subject: `${prefix}.order.test.happened` });
      seen.push(e.data.n);
    });
    await waitFor(() => handle.processed() === 20, '20 events handled');
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const info = await bus.jsm.consumers.info(stream, 'order-worker');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    expect(info.ack_floor.stream_seq).toBe(info.delivered.stream_seq);
  });

  it('a failing handler is redelivered with backoff and succeeds on a later attempt', async () => {
    const attempts: Delivery[] = [];
    const logger = recordingLogger();
    const handle = await consumer(
      'retry',
      async (_e, d) => {
        attempts.push(d);
        if (d.attempt === 1) throw new Error('database unavailable');
        if (d.attempt === 2) throw 'not even an Error'; // handlers may throw anything; none of it escapes
      },
      { logger },
    );
    await publishEvent(bus.js, prefix, event('retry', 1));
    await waitFor(() => handle.processed() === 1, 'third attempt to succeed');
    expect(attempts.map((d) => [d.attempt, d.redelivered])).toEqual([
      [1, false],
      [2, true],
      [3, true],
    ]);
    // Each retry was nak'ed with the delay for its attempt (backoffMs [20, 50]).
    const retries = logger.lines.filter((l) => l.msg === 'handler failed; will retry');
    expect(retries.map((l) => l.obj.retryInMs)).toEqual([20, 50]);
    const dlq = await bus.jsm.streams.info(deadLetterStreamName(prefix));
    expect(dlq.state.messages).toBe(0);
    expect((await bus.jsm.consumers.info(stream, 'retry-worker')).num_ack_pending).toBe(0);
  });

  it('an event left unacked by a crashed consumer is redelivered once it restarts', async () => {
    // The "crashed" process has its own connection; closing it is what a crash looks like to the server.
    const doomed = await openBus(prefix, 'bus-test-doomed');
    const hang = gate();
    const firstTry: Delivery[] = [];
    await consumer(
      'crash',
      async (_e, d) => {
        firstTry.push(d);
        await hang.promise; // never acks before the "crash"
      },
      { ackWaitMs: 1000, busOverride: doomed },
    );
    await publishEvent(bus.js, prefix, event('crash', 1));
    await waitFor(() => firstTry.length === 1, 'first delivery');
    await doomed.nc.close();

    const afterRestart: Delivery[] = [];
    const handle = await consumer('crash', async (_e, d) => void afterRestart.push(d), { ackWaitMs: 1000 });
    await waitFor(() => handle.processed() === 1, 'redelivery after restart');
    expect(afterRestart[0]?.redelivered).toBe(true);
    expect(afterRestart[0]?.attempt).toBeGreaterThanOrEqual(2);
    hang.open(); // let the orphaned handler finish; its ack fails on the closed connection and is only logged
  });

  it('stop() lets the in-flight handler finish and ack, and the next consumer gets every event left', async () => {
    for (let n = 1; n <= 3; n++) await publishEvent(bus.js, prefix, event('stop', n));
    const hold = gate();
    const first: number[] = [];
    // Events pulled but not started are handed back: the next consumer sees 2 and 3 (delivery
    // is at least once, so possibly one of them twice), never neither.
    const a = await startConsumer<{ n: number }>({
      js: bus.js,
      jsm: bus.jsm,
      prefix,
      stream,
      durable: 'stop-worker',
      filterSubject: subjectOf(prefix, 'stop', 'test.*'),
      ackWaitMs: 2_000,
      logger: testLogger,
      handler: async (e) => {
        first.push(e.data.n);
        await hold.promise;
      },
    });
    await waitFor(() => first.length === 1, 'first event in flight');
    let stopped = false;
    const stopping = a.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false); // still waiting for the handler
    hold.open();
    await stopping;
    expect(a.processed()).toBe(1);
    expect(first).toEqual([1]);

    const second: number[] = [];
    await consumer('stop', async (e) => void second.push(e.data.n), { ackWaitMs: 2_000 });
    await waitFor(() => second.includes(2) && second.includes(3), 'events 2 and 3 after restart');
    expect(second.filter((n) => n === 1)).toEqual([]);
  });
});
