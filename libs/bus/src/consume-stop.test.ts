import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from './connect.js';
import { startConsumer } from './consume.js';
import { createEvent, subjectOf } from './envelope.js';
import { publishEvent } from './publish.js';
import { ensureStream, streamName } from './streams.js';
import { openBus, testLogger, waitFor } from './test-support.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
const stream = streamName(prefix, 'events');
let bus: Bus;

beforeAll(async () => {
  bus = await openBus(prefix);
  await ensureStream(bus.jsm, { name: stream, subjects: [`${prefix}.*.test.*`] });
});

afterAll(async () => {
  await infra.cleanup();
  await bus.close();
});

const EVENTS = 300;
/** Far longer than the test may take: a delivery that needs it to come back fails the test. */
const ACK_WAIT_MS = 60_000;

describe('stopping a consumer', () => {
  it('hands back every delivery it will not handle at once, however often it stops mid-stream', async () => {
    for (let n = 1; n <= EVENTS; n++) {
      await publishEvent(
        bus.js,
        prefix,
        createEvent({
          source: 'prism/test',
          kind: 'test.happened',
          space: 'stops',
          subject: `agg_${n}`,
          data: { n },
        }),
      );
    }
    const handled = new Set<number>();
    // Consumers come and go as in a rolling deploy: each handles a few events, then stops while
    // the server is still pushing. Nothing may wait for the ack wait to come back.
    while (handled.size < EVENTS) {
      let seen = 0;
      const worker = await startConsumer<{ n: number }>({
        js: bus.js,
        jsm: bus.jsm,
        prefix,
        stream,
        durable: 'rolling-worker',
        filterSubject: subjectOf(prefix, 'stops', 'test.*'),
        ackWaitMs: ACK_WAIT_MS,
        batch: 4,
        logger: testLogger,
        handler: async (event) => {
          handled.add(event.data.n);
          seen++;
        },
      });
      const before = handled.size;
      await waitFor(() => seen >= 7 || handled.size === EVENTS, 'a few events handled', 5_000);
      await worker.stop();
      expect(handled.size, `handled ${handled.size} of ${EVENTS}`).toBeGreaterThan(before);
    }
    expect(handled.size).toBe(EVENTS);
  }, 60_000);
});
