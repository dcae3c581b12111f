import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUCKETS, type BucketMembers, MembershipStore } from './membership-store.js';

const infra = isolatedInfra();
let mongo: MongoConnection;
let store: MembershipStore;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  store = new MembershipStore(mongo.db);
  await store.ensureIndexes();
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

const change = (audienceId: string, profileId: string, entered: boolean) => ({
  audienceId,
  profileId,
  entered,
  at: 1,
  cause: { kind: 'RECOMPUTE' as const },
});

describe('membership store', () => {
  // Stock FerretDB 1.24 kept every statement's cursor open to the end of an update command, so
  // one with more statements than its connection pool hung the whole server (our launcher's
  // update-closes-iterators patch); a snapshot of a few audiences is such a command.
  it('snapshots every bucket of several audiences in one write, then drops the log it covers', async () => {
    const buckets: BucketMembers[] = ['a1', 'a2', 'a3'].flatMap((audienceId) =>
      Array.from({ length: BUCKETS }, (_, bucket) => ({
        audienceId,
        bucket,
        members: [[`p${bucket}`, bucket]],
      })),
    );
    await store.append('acme', 1, [change('a1', 'p0', true)], []);
    await store.markPublished('acme', 1);
    await store.append('acme', 2, [change('a1', 'p1', true)], []);
    await store.snapshot('acme', 1, buckets);
    await store.snapshot('acme', 1, buckets);
    const stored: BucketMembers[] = [];
    for await (const { spaceId, ...bucket } of store.allBuckets()) stored.push(bucket);
    expect(stored).toHaveLength(3 * BUCKETS);
    expect(stored).toContainEqual({ audienceId: 'a2', bucket: 7, members: [['p7', 7]] });
    expect((await store.marksBySpace()).get('acme')).toBe(1);
    expect((await store.logAfter('acme', 0)).map((entry) => entry.seq)).toEqual([2]);
    expect((await store.logAfter('acme', 1))[0]?.changes).toEqual([change('a1', 'p1', true)]);
  });

  it('keeps a space apart from another in the log and the marks', async () => {
    await store.append('globex', 1, [change('g1', 'p9', true)], []);
    expect((await store.logAfter('globex', 0)).map((entry) => entry.changes[0]?.profileId)).toEqual(['p9']);
    expect((await store.marksBySpace()).get('globex')).toBeUndefined();
  });
});
