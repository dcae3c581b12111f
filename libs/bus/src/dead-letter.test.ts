import { isolatedInfra } from '@prism/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Bus } from './connect.js';
import { type ConsumerHandle, startConsumer } from './consume.js';
import { DLQ_HEADERS } from './dead-letter.js';
import { createEvent, encodeEvent, type PrismEvent, subjectOf } from './envelope.js';
import { publishEvent } from './publish.js';
import { deadLetterStreamName, deadLetterSubjectOf, ensureStream, streamName } from './streams.js';
import { type Collected, collect, openBus, recordingLogger, testLogger, waitFor } from './test-support.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const stream = streamName(prefix, 'events');
let bus: Bus;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  bus = await openBus(prefix);
  await ensureStream(bus.jsm, { name: stream, subjects: [`${prefix}.*.test.*`] });
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

/** Starts a consumer on one space plus a subscription to its dead-letter subject. */
async function setup(
  space: string,
  handler: (e: PrismEvent) => Promise<void>,
  dataSchema?: z.ZodType<unknown>,
): Promise<{ handle: ConsumerHandle; dead: Collected; durable: string }> {
  const durable = `${space}-worker`;
  const handle = await startConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix,
    stream,
    durable,
    filterSubject: subjectOf(prefix, space, 'test.*'),
    handler,
    maxDeliver: 3,
    backoffMs: [10, 30],
    logger: testLogger,
    ...(dataSchema && { dataSchema }),
  });
  const dead = await collect(bus.js, deadLetterStreamName(prefix), deadLetterSubjectOf(prefix, durable));
  cleanups.push(
    () => handle.stop(),
    () => dead.stop(),
  );
  return { handle, dead, durable };
}

describe('dead-lettering', () => {
  it('an event whose handler always fails is dead-lettered after maxDeliver attempts and not redelivered again', async () => {
    let attempts = 0;
    const { dead, durable } = await setup('doomed', async () => {
      attempts++;
      throw new Error('constraint violated\nsecond line');
    });
    const event = createEvent({
      source: 'prism/test',
      kind: 'test.happened',
      space: 'doomed',
      subject: 'a',
      data: { n: 1 },
    });
    const { seq } = await publishEvent(bus.js, prefix, event);

    await waitFor(() => dead.msgs.length === 1, 'dead letter');
    const dl = dead.msgs[0];
    if (!dl) throw new Error('unreachable');
    expect(attempts).toBe(3);
    expect(new Uint8Array(dl.data)).toEqual(encodeEvent(event)); // the original bytes, untouched
    expect(dl.headers?.get(DLQ_HEADERS.subject)).toBe(`${prefix}.doomed.test.happened`);
    expect(dl.headers?.get(DLQ_HEADERS.consumer)).toBe(durable);
    expect(dl.headers?.get(DLQ_HEADERS.stream)).toBe(stream);
    expect(dl.headers?.get(DLQ_HEADERS.seq)).toBe(String(seq));
    expect(dl.headers?.get(DLQ_HEADERS.reason)).toBe('max_deliver');
    expect(dl.headers?.get(DLQ_HEADERS.attempts)).toBe('3');
    expect(dl.headers?.get(DLQ_HEADERS.error)).toBe('Error: constraint violated second line');
    expect(dl.headers?.get('Ce-Type')).toBe('prism.test.happened'); // producer headers travel along

    // Terminated: nothing pending, and the handler is not called again.
    await waitFor(async () => (await bus.jsm.consumers.info(stream, durable)).num_ack_pending === 0, 'term');
    expect((await bus.jsm.consumers.info(stream, durable)).num_redelivered).toBe(0);
    expect(attempts).toBe(3);
  });

  it('a message that is not JSON goes straight to the dead-letter subject without reaching the handler', async () => {
    let calls = 0;
    const { handle, dead } = await setup('poison', async () => {
      calls++;
    });
    const raw = new TextEncoder().encode('definitely {not json');
    await bus.js.publish(`${prefix}.poison.test.happened`, raw);
    const good = createEvent({
      source: 'prism/test',
      kind: 'test.happened',
      space: 'poison',
      subject: 'a',
      data: {},
    });
    await publishEvent(bus.js, prefix, good);

    await waitFor(
      () => dead.msgs.length === 1 && handle.processed() === 1,
      'poison dead-lettered, next event handled',
    );
    const dl = dead.msgs[0];
    expect(new Uint8Array(dl?.data ?? [])).toEqual(raw);
    expect(dl?.headers?.get(DLQ_HEADERS.reason)).toBe('poison');
    expect(dl?.headers?.get(DLQ_HEADERS.attempts)).toBe('1');
    expect(dl?.headers?.get(DLQ_HEADERS.error)).toMatch(/^PoisonMessage: message is not JSON/);
    expect(calls).toBe(1); // only the good event
  });

  it('an envelope whose data fails the consumer schema is dead-lettered as poison on its first delivery', async () => {
    const schema = z.object({ n: z.number() });
    const seen: unknown[] = [];
    const { handle, dead } = await setup('schema', async (e) => void seen.push(e.data), schema);
    const bad = createEvent({
      source: 'prism/test',
      kind: 'test.happened',
      space: 'schema',
      subject: 'a',
      data: { n: 'one' },
    });
    const ok = createEvent({
      source: 'prism/test',
      kind: 'test.happened',
      space: 'schema',
      subject: 'a',
      data: { n: 1 },
    });
    await publishEvent(bus.js, prefix, bad);
    await publishEvent(bus.js, prefix, ok);

    await waitFor(
      () => dead.msgs.length === 1 && handle.processed() === 1,
      'bad dead-lettered, good handled',
    );
    expect(dead.msgs[0]?.headers?.get(DLQ_HEADERS.reason)).toBe('poison');
    expect(dead.msgs[0]?.headers?.get(DLQ_HEADERS.error)).toMatch(/invalid prism.test.happened data/);
    expect(seen).toEqual([{ n: 1 }]);
  });

  it('when the dead-letter hand-off fails, the spare delivery retries only the hand-off, not the handler', async () => {
    const logger = recordingLogger();
    let calls = 0;
    const handle = await startConsumer({
      js: bus.js,
      jsm: bus.jsm,
      prefix,
      stream,
      durable: 'nodlq-worker',
      filterSubject: subjectOf(prefix, 'nodlq', 'test.*'),
      handler: async () => {
        calls++;
        throw new Error('always');
      },
      maxDeliver: 2,
      backoffMs: [10],
      deadLetterSubject: `${prefix}.uncaptured`, // no stream: every hand-off is refused
      logger,
    });
    cleanups.push(() => handle.stop());
    await publishEvent(
      bus.js,
      prefix,
      createEvent({ source: 'prism/test', kind: 'test.happened', space: 'nodlq', subject: 'a', data: {} }),
    );

    const failedHandOffs = () =>
      logger.lines.filter((l) => l.msg?.startsWith('dead-letter hand-off failed')).length;
    await waitFor(
      () => failedHandOffs() === 2,
      'hand-off tried on the last attempt and on the spare delivery',
    );
    expect(calls).toBe(2);
    expect(logger.lines.at(-1)?.msg).toMatch(/last delivery; message left in its stream/);
  });
});
