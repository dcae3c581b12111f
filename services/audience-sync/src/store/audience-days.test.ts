import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudienceDays } from './audience-days.js';

const infra = isolatedInfra();
let mongo: MongoConnection;
let store: AudienceDays;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  store = new AudienceDays(mongo.db);
  await store.ensureIndexes();
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

const day = (audienceId: string, date: string, entered: number, exited: number, size: number) => ({
  audienceId,
  date,
  entered,
  exited,
  size,
});
const stripped = ({ audienceId, ...rest }: ReturnType<typeof day>) => rest;

describe('audience days store', () => {
  it('adds each log entry once: an entry written again, or an older one, changes nothing', async () => {
    await store.record('acme', 1, [day('a1', '2026-03-01', 3, 0, 3), day('a2', '2026-03-01', 1, 0, 1)]);
    await store.record('acme', 2, [day('a1', '2026-03-01', 1, 2, 2)]);
    await store.record('acme', 2, [day('a1', '2026-03-01', 1, 2, 2), day('a1', '2026-03-02', 4, 0, 6)]);
    await store.record('acme', 1, [day('a1', '2026-03-01', 3, 0, 3), day('a2', '2026-03-01', 1, 0, 1)]);
    await store.record('acme', 2, [day('a1', '2026-03-02', 4, 0, 6)]);
    expect(await store.window('acme', 'a1', '2026-03-01', '2026-03-31')).toEqual({
      days: [day('a1', '2026-03-01', 4, 2, 2), day('a1', '2026-03-02', 4, 0, 6)].map(stripped),
      sizeBefore: 0,
    });
  });

  it('answers the days of a window and the last size before it', async () => {
    await store.record('acme', 10, [day('w1', '2026-01-10', 5, 0, 5)]);
    await store.record('acme', 11, [day('w1', '2026-01-20', 1, 3, 3)]);
    await store.record('acme', 12, [day('w1', '2026-02-02', 2, 0, 5)]);
    expect(await store.window('acme', 'w1', '2026-01-21', '2026-02-01')).toEqual({ days: [], sizeBefore: 3 });
    expect(await store.window('acme', 'w1', '2026-01-15', '2026-02-10')).toEqual({
      days: [day('w1', '2026-01-20', 1, 3, 3), day('w1', '2026-02-02', 2, 0, 5)].map(stripped),
      sizeBefore: 5,
    });
  });

  it("keeps a space's days apart from another's and drops an audience's days", async () => {
    await store.record('acme', 20, [day('d1', '2026-04-01', 2, 0, 2)]);
    await store.record('globex', 1, [day('d1', '2026-04-01', 7, 0, 7)]);
    expect((await store.window('globex', 'd1', '2026-04-01', '2026-04-01')).days).toEqual([
      stripped(day('d1', '2026-04-01', 7, 0, 7)),
    ]);
    await store.dropAudience('acme', 'd1');
    expect((await store.window('acme', 'd1', '2026-04-01', '2026-04-01')).days).toEqual([]);
    expect((await store.window('globex', 'd1', '2026-04-01', '2026-04-01')).days).toHaveLength(1);
  });
});
