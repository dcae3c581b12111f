import { describe, expect, it } from 'vitest';
import { startConsumer } from './consume.js';
import { ensureDurableConsumer } from './durable.js';
import { createEvent, decodeEvent, subjectOf } from './envelope.js';
import { consumeInGroups } from './group-consume.js';
import { publishEvent } from './publish.js';
import { streamSuite, testLogger, waitFor } from './test-support.js';

const suite = streamSuite('events', (prefix) => [`${prefix}.*.test.*`]);
const { prefix, stream } = suite;

const EVENTS = 120;
/** Far longer than the test may take: a delivery that needs it to come back fails the test. */
const ACK_WAIT_MS = 60_000;

/** A consumer that counts each delivery it handles, for as long as it runs. */
interface Worker {
  seen(): number;
  stop(): Promise<void>;
}

async function publishAll(space: string): Promise<void> {
  for (let n = 1; n <= EVENTS; n++) {
    const event = createEvent({
      source: 'prism/test',
      kind: 'test.happened',
      space,
      subject: `agg_${n}`,
      data: { n },
    });
    await publishEvent(suite.bus.js, prefix, event);
  }
}

/**
 * Consumers come and go as in a rolling deploy: each handles a few events, then stops while the
 * server is still pushing. Nothing may wait for the ack wait to come back.
 */
async function rollThrough(space: string, start: (handled: Set<number>) => Promise<Worker>) {
  await publishAll(space);
  const handled = new Set<number>();
  while (handled.size < EVENTS) {
    const worker = await start(handled);
    const before = handled.size;
    await waitFor(() => worker.seen() >= 7 || handled.size === EVENTS, 'a few events handled', 20_000);
    await worker.stop();
    expect(handled.size, `handled ${handled.size} of ${EVENTS}`).toBeGreaterThan(before);
  }
  expect(handled.size).toBe(EVENTS);
}

const durableOf = (space: string) => ({
  stream,
  durable: `${space}-worker`,
  filterSubject: subjectOf(prefix, space, 'test.*'),
});

describe('stopping a consumer', () => {
  it('hands back every delivery it will not handle at once, however often it stops mid-stream', async () => {
    await rollThrough('one-by-one', async (handled) => {
      let seen = 0;
      const worker = await startConsumer<{ n: number }>({
        js: suite.bus.js,
        jsm: suite.bus.jsm,
        prefix,
        ...durableOf('one-by-one'),
        ackWaitMs: ACK_WAIT_MS,
        batch: 4,
        logger: testLogger,
        handler: async (event) => {
          handled.add(event.data.n);
          seen++;
        },
      });
      return { seen: () => seen, stop: () => worker.stop() };
    });
  }, 120_000);

  it('hands back every delivery of a group consumer too, however often it stops mid-stream', async () => {
    const spec = { ...durableOf('grouped'), maxDeliver: 100, ackWaitMs: ACK_WAIT_MS };
    await ensureDurableConsumer(suite.bus.jsm, spec);
    await rollThrough('grouped', async (handled) => {
      let seen = 0;
      const groups = await consumeInGroups(await suite.bus.js.consumers.get(stream, spec.durable), {
        maxMessages: 4,
        apply: async (group) => {
          for (const msg of group) {
            handled.add(decodeEvent<{ n: number }>(msg.data).data.n);
            seen++;
            msg.ack();
          }
        },
        onError: (error) => {
          throw error;
        },
      });
      return { seen: () => seen, stop: () => groups.stop() };
    });
  }, 120_000);
});
