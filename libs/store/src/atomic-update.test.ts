import { Aborted } from '@prism/errors';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMongo, type MongoConnection } from './connection.js';
import { reviseDocument } from './revisions.js';

/**
 * The storage holds no locks: it relies on the server applying a conditional update as one atomic
 * step. MongoDB does; stock FerretDB 1.24 did not (its update is a read and a separate write: 1 of
 * 30 rounds of 16 racing writers had several winners), so our launcher patches it. These tests
 * measure that on the server the suite runs against (space-scoped-collection.test.ts races versions).
 */
const infra = isolatedInfra();
const WRITERS = 16;
let mongo: MongoConnection;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
});

afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

describe('conditional writes without locks', () => {
  it('loses no increment when 16 writers revise one document at once', async () => {
    const totals = mongo.db.collection<{ _id: string; spaceId: string; value: number }>('race_totals');
    await Promise.all(
      Array.from({ length: WRITERS }, () =>
        reviseDocument(totals, 'acme', 'total', (current) => ({ value: (current?.value ?? 0) + 1 }), 64),
      ),
    );
    expect((await totals.findOne({ _id: 'total' }))?.value).toBe(WRITERS);
  });

  it('keeps one space out of another space’s document of the same id', async () => {
    const totals = mongo.db.collection<{ _id: string; spaceId: string; value: number }>('race_spaces');
    await reviseDocument(totals, 'acme', 'shared-id', () => ({ value: 1 }));
    await expect(
      reviseDocument(totals, 'globex', 'shared-id', () => ({ value: 2 }), 2),
    ).rejects.toBeInstanceOf(Aborted);
    expect(await totals.findOne({ _id: 'shared-id' })).toMatchObject({ spaceId: 'acme', value: 1 });
  });
});
