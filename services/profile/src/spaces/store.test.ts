import { Aborted, AlreadyExists, NotFound } from '@prism/errors';
import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSpace } from './space.js';
import { SpaceStore } from './store.js';

const infra = isolatedInfra();
let mongo: MongoConnection;
let store: SpaceStore;
const at = new Date('2030-01-01T00:00:00Z');
const spaceNamed = (spaceId: string) =>
  newSpace({ spaceId, displayName: spaceId, identityRules: {} }, at).space;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  store = new SpaceStore(mongo.db);
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

describe('space store', () => {
  it('reads back a created space as stored, key dates and all', async () => {
    const space = spaceNamed('store-roundtrip');
    await store.insert(space);
    expect(await store.get('store-roundtrip')).toEqual(space);
  });

  it('refuses a second space with the same id as ALREADY_EXISTS', async () => {
    await store.insert(spaceNamed('store-twice'));
    await expect(store.insert(spaceNamed('store-twice'))).rejects.toBeInstanceOf(AlreadyExists);
  });

  it('answers an unknown space NOT_FOUND', async () => {
    await expect(store.get('store-nobody')).rejects.toBeInstanceOf(NotFound);
  });

  it('writes the next version and refuses a write from a stale read as ABORTED', async () => {
    const read = spaceNamed('store-versions');
    await store.insert(read);
    const saved = await store.replace({ ...read, displayName: 'renamed' });
    expect(saved.version).toBe(2);
    await expect(store.replace({ ...read, displayName: 'lost update' })).rejects.toBeInstanceOf(Aborted);
    expect(await store.get('store-versions')).toMatchObject({ displayName: 'renamed', version: 2 });
  });

  it('lets exactly one of eight concurrent writers from the same read win, every time', async () => {
    for (let round = 0; round < 5; round++) {
      const read = spaceNamed(`store-race-${round}`);
      await store.insert(read);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.replace({ ...read, displayName: `writer ${i}` })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(results.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual(
        Array(7).fill(expect.any(Aborted)),
      );
    }
  });

  it('pages through spaces in id order', async () => {
    const ids = ['page-a', 'page-b', 'page-c'];
    for (const id of ids) await store.insert(spaceNamed(id));
    const first = await store.page(2, 'page');
    expect(first.items.map((s) => s._id)).toEqual(['page-a', 'page-b']);
    const second = await store.page(2, first.nextAfter);
    expect(second.items[0]?._id).toBe('page-c');
  });
});
