import { describe, expect, it } from 'vitest';
import { ensureDurableConsumer } from './durable.js';
import { createEvent, subjectOf } from './envelope.js';
import { publishEvent } from './publish.js';
import { PULL_EXPIRES_MS, pullUntilStopped } from './pulls.js';
import { streamSuite, waitFor } from './test-support.js';

const suite = streamSuite('pulls', (prefix) => [`${prefix}.*.test.*`]);
const { prefix, stream } = suite;

/** Holds the event loop, as a busy service does (a long group, a GC pause). */
function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('pullUntilStopped', () => {
  it('takes what the server sent for a pull even when the event loop was busy as the pull expired', async () => {
    const spec = {
      stream,
      durable: 'busy-expiry',
      filterSubject: subjectOf(prefix, 'acme', 'test.*'),
      maxDeliver: 10,
      // Far longer than the test: a message left on the wire would only come back after it.
      ackWaitMs: 60_000,
    };
    await ensureDurableConsumer(suite.bus.jsm, spec);
    for (let n = 1; n <= 3; n++) {
      const data = { n };
      const event = createEvent({
        source: 'prism/test',
        kind: 'test.happened',
        space: 'acme',
        subject: `agg_${n}`,
        data,
      });
      await publishEvent(suite.bus.js, prefix, event);
    }
    const consumer = await suite.bus.js.consumers.get(stream, spec.durable);
    // Handed back with a delay, so the server sends them again near the end of the next pull.
    const redeliverInMs = PULL_EXPIRES_MS - 50;
    for await (const msg of await consumer.fetch({ max_messages: 3, expires: PULL_EXPIRES_MS }))
      msg.nak(redeliverInMs);

    const taken: number[] = [];
    let stopping = false;
    const pulling = pullUntilStopped(consumer, {
      stopping: () => stopping,
      room: () => 10,
      take(msg) {
        taken.push(msg.seq);
        msg.ack();
      },
      failing() {},
      recovered() {},
    });
    // Busy from before the redelivery until after the pull's expiry and nats.js's own timer.
    await new Promise((resolve) => setTimeout(resolve, redeliverInMs - 200));
    busyFor(PULL_EXPIRES_MS * 0.2 + 400);

    await waitFor(() => taken.length === 3, 'the three messages', 5_000);
    stopping = true;
    await pulling;
    expect(taken.sort()).toEqual([1, 2, 3]);
  }, 20_000);
});
