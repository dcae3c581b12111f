import { Aborted, NotFound } from '@prism/errors';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AggregateStorage } from './aggregate-storage.js';
import { connectMongo, type MongoConnection } from './connection.js';
import { type AggregateDocument, SpaceScopedCollection } from './space-scoped-collection.js';

interface Note extends AggregateDocument {
  text: string;
  tag?: string;
}

const infra = isolatedInfra();
let mongo: MongoConnection;
let notes: SpaceScopedCollection<Note>;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  notes = new SpaceScopedCollection(
    mongo.db.collection<Note>('notes'),
    'note',
    new AggregateStorage(mongo.db),
  );
  await notes.ensureIndexes([{ tag: 1 }]);
});
afterAll(async () => {
  await mongo?.close();
  await infra.cleanup();
});

describe('space-scoped collection', () => {
  it('never returns a document of another space, even by its id', async () => {
    await notes.insert('acme', { _id: 'n1', text: 'acme only' }, []);
    expect(await notes.find('globex', 'n1')).toBeNull();
    await expect(notes.get('globex', 'n1')).rejects.toBeInstanceOf(NotFound);
    expect((await notes.list('globex', {}, 10)).items).toEqual([]);
  });

  it('cannot update another space’s document', async () => {
    await notes.insert('acme', { _id: 'n2', text: 'original' }, []);
    await expect(notes.update('globex', 'n2', 1, { text: 'hijacked' }, [])).rejects.toBeInstanceOf(NotFound);
    expect((await notes.get('acme', 'n2')).text).toBe('original');
  });

  it('raises the version on update and refuses a stale one as aborted', async () => {
    await notes.insert('acme', { _id: 'n3', text: 'v1' }, []);
    const updated = await notes.update('acme', 'n3', 1, { text: 'v2' }, []);
    expect(updated.version).toBe(2);
    await expect(notes.update('acme', 'n3', 1, { text: 'lost update' }, [])).rejects.toBeInstanceOf(Aborted);
    expect((await notes.get('acme', 'n3')).text).toBe('v2');
  });

  it('lets exactly one of eight concurrent writers at the same version win, every time', async () => {
    for (let round = 0; round < 10; round++) {
      const id = `race${round}`;
      await notes.insert('acme', { _id: id, text: 'v1' }, []);
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => notes.update('acme', id, 1, { text: `writer ${i}` }, [])),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Aborted);
      const stored = await notes.get('acme', id);
      expect(stored.version).toBe(2);
      expect(stored.text).toBe((winners[0] as PromiseFulfilledResult<Note>).value.text);
    }
  });

  it('pages by id without repeating or skipping documents', async () => {
    for (let i = 0; i < 7; i++) await notes.insert('paged', { _id: `p${i}`, text: `${i}`, tag: 'x' }, []);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await notes.list('paged', { tag: 'x' }, 3, after);
      seen.push(...page.items.map((n) => n._id));
      after = page.nextAfter;
    } while (after);
    expect(seen).toEqual(['p0', 'p1', 'p2', 'p3', 'p4', 'p5', 'p6']);
  });

  it('hides soft-deleted documents from reads and counts', async () => {
    await notes.insert('acme', { _id: 'n5', text: 'bye', tag: 'gone' }, []);
    await notes.remove('acme', 'n5', 1, []);
    expect(await notes.find('acme', 'n5')).toBeNull();
    expect(await notes.count('acme', { tag: 'gone' })).toBe(0);
  });

  it('decides a command again on a fresh read when the copy this process kept went stale', async () => {
    const elsewhere = new SpaceScopedCollection(
      mongo.db.collection<Note>('notes'),
      'note',
      new AggregateStorage(mongo.db),
    );
    await notes.insert('acme', { _id: 'n6', text: 'a' }, []);
    await elsewhere.update('acme', 'n6', 1, { text: 'b' }, []); // another replica's write
    const seen: string[] = [];
    const after = await notes.change('acme', 'n6', (current) => {
      seen.push(current.text);
      if (current.text === 'a') throw new Aborted('decided on the stale copy');
      return { set: { text: `${current.text}+c` }, events: [] };
    });
    expect(seen).toEqual(['a', 'b']);
    expect(after).toMatchObject({ text: 'b+c', version: 3 });
    // Its own write is the copy the next command starts from: no read, one decision.
    seen.length = 0;
    await notes.change('acme', 'n6', (current) => {
      seen.push(current.text);
      return { set: { text: 'd' }, events: [] };
    });
    expect(seen).toEqual(['b+c']);
  });
});
