import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_IDENTITY_RULES } from '../domain/identity/index.js';
import { SEAL_AT } from '../domain/profile-state.js';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { startPipeline, trackingMessage } from '../testing/pipeline.js';
import { SpaceState } from './space-state.js';

const DAY = 86_400_000;
const start = new Date('2026-11-01T12:00:00Z');

const message = (fields: Partial<TrackingMessage> & Pick<TrackingMessage, 'messageId'>) =>
  trackingMessage(fields, start);

const identify = (userId: string, plan: string, at = start) =>
  message({
    messageId: `${userId}-${plan}`,
    type: 'identify',
    userId,
    traits: { plan },
    timestamp: at,
    receivedAt: at,
  });

describe('a space larger than its cache, on real NATS and FerretDB', () => {
  const infra = isolatedInfra();
  let now = start;
  let writer: Awaited<ReturnType<typeof startPipeline>>;
  beforeAll(async () => {
    writer = await startPipeline(infra, { writer: 'bounded', clock: () => now, cacheSize: 2 });
  });
  afterAll(async () => {
    await writer.stop();
    await infra.cleanup();
  });

  it('updates a profile that left the cache at its stored version, and makes no second profile', async () => {
    const { pipeline } = writer;
    await pipeline.ingest(
      'small-cache',
      ['ann', 'bob', 'cid'].map((user) => identify(user, 'free')),
    );
    await pipeline.ingest('small-cache', [identify('dan', 'free'), identify('eve', 'free')]);
    const state = await pipeline.read('small-cache');
    const ann = state.profileOf({ type: 'user_id', value: 'ann' }) as string;
    expect(state.current(ann)).toBeUndefined();

    await pipeline.ingest('small-cache', [identify('ann', 'pro')]);
    const updated = await state.lookup({ type: 'user_id', value: 'ann' });
    expect(updated).toMatchObject({ id: ann, version: 2, traits: { plan: { value: 'pro' } } });
    expect(state.size).toBe(5);
  });

  it('finds stored profiles by identifier and by id before the space’s directory is loaded', async () => {
    const { pipeline, store } = writer;
    await pipeline.ingest('restart', [identify('fay', 'free')]);
    await pipeline.ingest('restart', [identify('fay', 'team')]);
    const cold = new SpaceState('restart', store, {
      rules: () => DEFAULT_IDENTITY_RULES,
      definitions: [],
      suppressed: [],
      historyRetentionDays: 14,
      cacheSize: 10,
    });
    const byUser = await cold.lookup({ type: 'user_id', value: 'fay' });
    expect(byUser).toMatchObject({ version: 2, traits: { plan: { value: 'team' } } });
    expect((await cold.fetch(byUser?.id as string))?.version).toBe(2);
    expect(await cold.lookup({ type: 'user_id', value: 'nobody' })).toBeUndefined();
  });

  it('seals a busy profile’s history into chunks and drops what is older than the retention', async () => {
    const { pipeline, store } = writer;
    const events = Array.from({ length: SEAL_AT + 3 }, (_, i) =>
      message({ messageId: `e${i}`, userId: 'gus', event: 'Viewed', timestamp: now, receivedAt: now }),
    );
    for (const event of events) await pipeline.ingest('history', [event]);
    const chunks = () => store.chunks.countDocuments({ spaceId: 'history' });
    expect(await chunks()).toBe(1);
    const gus = await (await pipeline.read('history')).lookup({ type: 'user_id', value: 'gus' });
    expect(gus?.openEvents).toHaveLength(3);

    now = new Date(start.getTime() + 15 * DAY);
    await pipeline.ingest('history', [
      message({ messageId: 'late', userId: 'gus', timestamp: now, receivedAt: now }),
    ]);
    expect(await chunks()).toBe(0);
    const after = await (await pipeline.read('history')).lookup({ type: 'user_id', value: 'gus' });
    expect(after?.eventChunks).toEqual([]);
    expect(after?.openEvents.map(({ messageId }) => messageId)).toEqual(['late']);
    now = start;
  });

  it('leaves events past the retention out of an idle profile’s history before its next write', async () => {
    const { pipeline, store } = writer;
    const viewed = Array.from({ length: SEAL_AT + 1 }, (_, i) =>
      message({ messageId: `v${i}`, userId: 'ida', event: 'Viewed', timestamp: now, receivedAt: now }),
    );
    await pipeline.ingest('retention', viewed);
    const ida = await (await pipeline.read('retention')).lookup({ type: 'user_id', value: 'ida' });
    if (!ida) throw new Error('ida was not stored');
    expect(ida.eventChunks).toHaveLength(1);
    expect(await pipeline.historyOf(ida)).toHaveLength(SEAL_AT + 1);

    now = new Date(start.getTime() + 15 * DAY);
    const chunksRead = { count: 0 };
    const readChunk = store.readChunk.bind(store);
    store.readChunk = (...args) => {
      chunksRead.count++;
      return readChunk(...args);
    };
    try {
      expect(await pipeline.historyOf(ida)).toEqual([]);
      expect(chunksRead.count).toBe(0);
    } finally {
      store.readChunk = readChunk;
      now = start;
    }
  });
});
