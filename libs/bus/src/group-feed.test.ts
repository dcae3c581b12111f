import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from './dead-letter.js';
import { createEvent, decodeEvent, type PrismEvent } from './envelope.js';
import { startGroupFeed } from './group-feed.js';
import { publishEvent } from './publish.js';
import { deadLetterStreamName, deadLetterSubjectOf } from './streams.js';
import { collect, streamSuite, testLogger, waitFor } from './test-support.js';

const suite = streamSuite('feed', (prefix) => [`${prefix}.*.feed.*`]);
const { prefix, stream } = suite;

const eventIn = (space: string, n: number) =>
  createEvent({ source: 'prism/test', kind: 'feed.counted', space, subject: `s${n}`, data: { n } });

/** A feed over `feed.*` of some spaces whose `apply` records what each call got, per space. */
async function feedOf(
  durable: string,
  spaces: string,
  apply: (space: string, numbers: number[]) => Promise<void>,
) {
  const applied: Array<{ space: string; numbers: number[]; seqs: number[] }> = [];
  const feed = await startGroupFeed<PrismEvent<{ n: number }>>(suite.bus, testLogger, {
    stream,
    filterSubject: `${prefix}.${spaces}.feed.*`,
    durable,
    maxDeliver: 3,
    ackWaitMs: 5_000,
    maxAckPending: 1_000,
    maxMessages: 500,
    read(msg) {
      try {
        const event = decodeEvent<{ n: number }>(msg.data);
        return event.data.n < 0 ? undefined : { partition: event.prismspace, item: event };
      } catch (error) {
        return { error: String(error) };
      }
    },
    async apply(space, received) {
      const numbers = received.map(({ item }) => item.data.n);
      await apply(space, numbers);
      applied.push({ space, numbers, seqs: received.map(({ seq }) => seq) });
    },
  });
  const dead = await collect(
    suite.bus.js,
    deadLetterStreamName(prefix),
    deadLetterSubjectOf(prefix, durable),
  );
  return {
    applied,
    dead,
    async stop() {
      await feed.stop();
      await dead.stop();
    },
  };
}

describe('a group feed', () => {
  it('applies what arrived together in one call per space, in stream order, and skips what read ignores', async () => {
    const ordered = await feedOf('grouped', '*', async () => {});
    const spaceOf = (n: number) => (n % 2 ? 'odd' : 'even');
    const events = [...Array.from({ length: 300 }, (_, n) => eventIn(spaceOf(n), n)), eventIn('even', -1)];
    await Promise.all(events.map((event) => publishEvent(suite.bus.js, prefix, event)));
    const count = () => ordered.applied.reduce((sum, call) => sum + call.numbers.length, 0);
    await waitFor(() => count() === 300, 'all 300 applied');
    // 300 messages arrived faster than one call each: the feed grouped them.
    expect(ordered.applied.length).toBeLessThan(300);
    for (const call of ordered.applied) {
      expect(call.numbers.every((n) => spaceOf(n) === call.space)).toBe(true);
      expect(call.seqs).toEqual([...call.seqs].sort((a, b) => a - b));
    }
    await ordered.stop();
  });

  it('keeps a space in stream order when a message fails for a while: its later messages wait for its retries', async () => {
    let failuresOfTwo = 0;
    // In its group, then alone: the later messages must not overtake it meanwhile.
    const feed = await feedOf('ordered', 'ordered', async (_space, numbers) => {
      if (numbers.includes(2) && failuresOfTwo < 2) {
        failuresOfTwo++;
        throw new Error('two fails twice');
      }
    });
    for (const n of [1, 2, 3, 4, 5, 6]) await publishEvent(suite.bus.js, prefix, eventIn('ordered', n));
    const applied = () => feed.applied.flatMap((call) => call.numbers);
    await waitFor(() => applied().length === 6, 'all six applied', 15_000);
    expect(failuresOfTwo).toBe(2);
    expect(applied()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(feed.dead.msgs).toHaveLength(0);
    await feed.stop();
  });

  it('retries a failing group one by one, keeps the good messages, and dead-letters what keeps failing and poison', async () => {
    const attemptsOf7 = { count: 0 };
    const feed = await feedOf('faulty', 'faulty', async (_space, numbers) => {
      if (numbers.includes(7)) {
        attemptsOf7.count++;
        throw new Error('seven never fits');
      }
    });
    for (const n of [5, 6, 7, 8]) await publishEvent(suite.bus.js, prefix, eventIn('faulty', n));
    const poison = new TextEncoder().encode('not an event');
    await suite.bus.js.publish(`${prefix}.faulty.feed.counted`, poison);

    await waitFor(() => feed.dead.msgs.length === 2, 'two dead letters', 15_000);
    const applied = feed.applied.flatMap((call) => call.numbers).sort();
    expect(applied).toEqual([5, 6, 8]);
    // Every attempt of 7 failed: in its group first, then alone until the last delivery.
    expect(attemptsOf7.count).toBeGreaterThanOrEqual(3);
    const reasons = feed.dead.msgs.map((msg) => msg.headers?.get(DLQ_HEADERS.reason)).sort();
    expect(reasons).toEqual(['max_deliver', 'poison']);
    const deadSeven = feed.dead.msgs.find((msg) => msg.headers?.get(DLQ_HEADERS.reason) === 'max_deliver');
    expect(decodeEvent<{ n: number }>(deadSeven?.data ?? new Uint8Array()).data.n).toBe(7);
    await feed.stop();
  });
});
