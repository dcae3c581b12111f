import { eventually, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../testing/pipeline.js';

const now = new Date('2026-11-01T12:00:00Z');
const identify = (userId: string, plan: string) => ({
  type: 'identify' as const,
  messageId: `${userId}-${plan}`,
  userId,
  traits: { plan },
  properties: {},
  context: {},
  externalIds: [],
  timestamp: now,
  receivedAt: now,
});

describe('a write that fails inside a space’s exclusive section, on real NATS and FerretDB', () => {
  const infra = isolatedInfra();
  let writer: Awaited<ReturnType<typeof startPipeline>>;
  beforeAll(async () => {
    writer = await startPipeline(infra, { writer: 'failing', clock: () => now });
  });
  afterAll(async () => {
    await writer.stop();
    await infra.cleanup();
  });

  it('re-reads only what the next call touches: the space is not scanned again, and the retry applies once', async () => {
    const { pipeline, store } = writer;
    const people = Array.from({ length: 200 }, (_, n) => `person-${n}`);
    await pipeline.ingest(
      'flaky',
      people.map((user) => identify(user, 'free')),
    );
    let scans = 0;
    const scanSpace = store.scanSpace.bind(store);
    store.scanSpace = (...args) => {
      scans++;
      return scanSpace(...args);
    };
    const writeBatch = store.writeBatch.bind(store);
    store.writeBatch = () => Promise.reject(new Error('the Mongo-wire server went away'));
    await expect(pipeline.ingest('flaky', [identify('person-7', 'pro')])).rejects.toThrow('went away');
    store.writeBatch = writeBatch;

    const retried = await pipeline.ingest('flaky', [
      identify('person-7', 'pro'),
      identify('newcomer', 'free'),
    ]);
    expect(retried).toEqual({ applied: 2, repeated: 0, dropped: 0 });
    expect(scans).toBe(0);
    const state = await pipeline.read('flaky');
    expect(state.size).toBe(201);
    expect(await state.lookup({ type: 'user_id', value: 'person-7' })).toMatchObject({
      version: 2,
      traits: { plan: { value: 'pro' } },
    });
  });

  it('writes no profile version when the outbox slot written beside the claims fails, and the retry applies once', async () => {
    const { pipeline, store } = writer;
    const outbox = pipeline.options.outbox;
    const hold = outbox.hold.bind(outbox);
    let claimsWhileHolding = 0;
    // The slot fails only after the claims were written: the versions must still wait for it.
    outbox.hold = async () => {
      claimsWhileHolding = await eventually(async () => {
        const claims = await store.identifiers.countDocuments({
          _id: 'flaky|user_id:slotless',
          spaceId: 'flaky',
        });
        return claims > 0 ? claims : undefined;
      }, 2_000);
      throw new Error('the outbox slot could not be written');
    };
    await expect(pipeline.ingest('flaky', [identify('slotless', 'free')])).rejects.toThrow('outbox slot');
    outbox.hold = hold;
    expect(claimsWhileHolding).toBe(1);
    expect(await store.profiles.countDocuments({ spaceId: 'flaky', identifiers: /slotless/ })).toBe(0);

    expect(await pipeline.ingest('flaky', [identify('slotless', 'free')])).toEqual({
      applied: 1,
      repeated: 0,
      dropped: 0,
    });
    const state = await pipeline.read('flaky');
    expect(await state.lookup({ type: 'user_id', value: 'slotless' })).toMatchObject({ version: 1 });
  });
});
