import { Aborted } from '@prism/errors';
import { isolatedInfra } from '@prism/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateStorage } from './aggregate-storage.js';
import { connectMongo, type MongoConnection } from './connection.js';
import { reviseDocument } from './revisions.js';
import { type AggregateDocument, SpaceScopedCollection } from './space-scoped-collection.js';

/**
 * The storage holds no locks: it relies on the server applying a conditional update as one atomic
 * step. MongoDB does; stock FerretDB 1.24 did not (its update is a read and a separate write: 1 of
 * 30 rounds of 16 racing writers had several winners), so our launcher patches it. These tests
 * measure that on the server the suite runs against (space-scoped-collection.test.ts races versions),
 * and that commands deciding on each replica's own copy of a document lose and repeat nothing.
 */
interface Tally extends AggregateDocument {
  total: number;
  /** Which command wrote each version: a decision on a stale copy would skip or repeat one. */
  writers: string[];
}

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

/** A command: which replica runs it, the amount it adds, and whether it waits for the one before. */
const command = fc.record({
  replica: fc.nat(2),
  amount: fc.integer({ min: 1, max: 9 }),
  concurrent: fc.boolean(),
});

describe('commands on replicas with their own copies', () => {
  it('applies every command exactly once, on the document as it was, in any interleaving', async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        const id = `tally-${round++}`;
        const replicas = [0, 1, 2].map(
          () =>
            new SpaceScopedCollection(
              mongo.db.collection<Tally>('tallies'),
              'tally',
              new AggregateStorage(mongo.db),
            ),
        );
        await replicas[0]!.insert('acme', { _id: id, total: 0, writers: [] }, []);
        const running: Promise<unknown>[] = [];
        const applied: number[] = [];
        for (const [n, { replica, amount, concurrent }] of commands.entries()) {
          const run = replicas[replica]!.change('acme', id, (current) => ({
            set: { total: current.total + amount, writers: [...current.writers, `c${n}`] },
            events: [],
          }))
            .then(() => applied.push(amount))
            .catch((error: unknown) => {
              // Only a race lost more times than a command retries may fail, and only as ABORTED.
              expect(error).toBeInstanceOf(Aborted);
            });
          running.push(run);
          if (!concurrent) await run;
        }
        await Promise.all(running);
        const stored = await replicas[0]!.get('acme', id);
        expect(stored.total).toBe(applied.reduce((sum, amount) => sum + amount, 0));
        expect(stored.version).toBe(1 + applied.length);
        expect(new Set(stored.writers).size).toBe(stored.writers.length);
      }),
      { numRuns: 25 },
    );
  });
});
