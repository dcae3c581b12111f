import type { Metadata } from '@grpc/grpc-js';
import { DLQ_HEADERS, deadLetterStreamName, streamName } from '@prism/bus';
import { FuzzTally, fuzzRuns } from '@prism/testing/fuzz';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../domain/tracking-message.js';
import { type ProfileHarness, startProfileHarness } from '../testing/harness.js';

const SPACE = 'fuzz-nats';
const tally = new FuzzTally('nats ingest subjects');
let harness: ProfileHarness;
let metadata: Metadata;
beforeAll(async () => {
  harness = await startProfileHarness();
  ({ metadata } = await harness.createSpace(SPACE));
});
afterAll(async () => {
  tally.print();
  await harness.stop();
});

const text = new TextEncoder();
let sentGood = 0;
const goodIdentify = () => {
  const userId = `nats-good-${++sentGood}`;
  return { type: 'identify', userId, traits: { fuzzed: userId } };
};
const wrongMessage = fc.record(
  {
    type: fc.constantFrom(...MESSAGE_TYPES, 'x'),
    userId: fc.jsonValue({ maxDepth: 2 }),
    event: fc.jsonValue({ maxDepth: 2 }),
    receivedAt: fc.oneof(
      fc.string(),
      fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
    ),
  },
  { requiredKeys: [] },
);
/** What a partner might publish: bytes, any JSON, or a batch mixing good messages (null) with others. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes, good: [] as string[] })),
  fc
    .oneof(fc.jsonValue(), wrongMessage)
    .map((value) => ({ bytes: text.encode(JSON.stringify(value) ?? ''), good: [] as string[] })),
  fc
    .array(fc.option(fc.oneof(fc.jsonValue({ maxDepth: 2 }), wrongMessage), { freq: 2, nil: null }), {
      minLength: 1,
      maxLength: 5,
    })
    .map((plan) => {
      const batch = plan.map((message) => message ?? goodIdentify());
      const good = plan.flatMap((message, index) =>
        message === null ? [(batch[index] as { userId: string }).userId] : [],
      );
      return { bytes: text.encode(JSON.stringify({ batch })), good, batch: true };
    }),
);
const subjectType = fc.oneof(
  fc.constantFrom(...MESSAGE_TYPES, 'batch'),
  fc.stringMatching(/^[a-z0-9_-]{1,10}$/),
);

const isJson = (bytes: Uint8Array) => {
  try {
    JSON.parse(new TextDecoder().decode(bytes));
    return true;
  } catch {
    return false;
  }
};

describe('fuzz: NATS ingest subjects', () => {
  it('dead-letters poison, keeps good messages, and leaves nothing stuck', async () => {
    const prefix = harness.infra.subjectPrefix;
    const poisonSeqs: number[] = [];
    const good: string[] = [];
    await fc.assert(
      fc.asyncProperty(subjectType, payload, async (type, sent) => {
        tally.tried();
        // A batch's good messages count only on the batch subject; elsewhere the payload is one message.
        const route = 'batch' in sent ? 'batch' : type;
        const ack = await harness.bus.js.publish(`${prefix}.${SPACE}.ingest.${route}`, sent.bytes);
        if (!isJson(sent.bytes)) poisonSeqs.push(ack.seq);
        good.push(...sent.good);
      }),
      { numRuns: fuzzRuns(200) },
    );

    const ingest = streamName(prefix, 'ingest');
    await harness.eventually(async () => {
      const info = await harness.bus.jsm.consumers.info(ingest, 'profile-ingest');
      return info.num_pending + info.num_ack_pending === 0 ? true : undefined;
    }, 30_000);
    const deadLetters = await deadLettersOf(deadLetterStreamName(prefix), ingest);
    const poisoned = deadLetters.filter((letter) => letter.reason === 'poison').map((letter) => letter.seq);
    expect(poisoned).toEqual(expect.arrayContaining(poisonSeqs));
    // Valid messages never fail to apply: nothing is dead-lettered for running out of attempts.
    expect(deadLetters.filter((letter) => letter.reason !== 'poison')).toEqual([]);
    await Promise.all(good.map((userId) => expectProfileOf(userId)));
  }, 120_000);
});

/** The dead letters of `stream`'s messages: the original sequence and why. */
async function deadLettersOf(dlq: string, stream: string) {
  const { state } = await harness.bus.jsm.streams.info(dlq);
  const letters: { seq: number; reason: string; error: string }[] = [];
  for (let seq = state.first_seq; seq <= state.last_seq && state.messages > 0; seq++) {
    const stored = await harness.bus.jsm.streams.getMessage(dlq, { seq }).catch(() => undefined);
    if (stored?.header.get(DLQ_HEADERS.stream) !== stream) continue;
    letters.push({
      seq: Number(stored.header.get(DLQ_HEADERS.seq)),
      reason: stored.header.get(DLQ_HEADERS.reason),
      error: stored.header.get(DLQ_HEADERS.error),
    });
  }
  return letters;
}

/** Waits for the profile of `userId`, which carries its own id as the trait `fuzzed`. */
async function expectProfileOf(userId: string): Promise<void> {
  const profile = await harness.eventually(async () => {
    const found = await harness
      .profileApi(harness.profiles.getProfile, { lookup: `user_id:${userId}`, traitKeys: [] }, metadata)
      .catch(() => undefined);
    return found?.profile;
  });
  expect(profile.traits?.fuzzed).toBe(userId);
}
