import type { PrismEvent } from '@prism/bus';
import { Aborted, AlreadyExists, NotFound } from '@prism/errors';
import type { Collection, Filter, Sort, UpdateFilter } from 'mongodb';
import type { AggregateStorage } from './aggregate-storage.js';
import { insertIfAbsent } from './insert-if-absent.js';
import { type OutboxEntry, outboxEntriesOf } from './outbox.js';

/** Fields every aggregate document carries (tenancy, concurrency, outbox, soft delete). */
export interface AggregateDocument {
  _id: string;
  spaceId: string;
  version: number;
  outbox: OutboxEntry[];
  /** Set on delete; the relay removes the document once its last events are published. */
  deletedAt?: Date;
}

export type NewAggregate<T extends AggregateDocument> = Omit<T, keyof AggregateDocument> & { _id: string };

/** A query on the aggregate's own fields; the space id is not part of it and cannot be. */
export type ScopedFilter<T> = Omit<Filter<T>, 'spaceId'>;

export interface Page<T> {
  items: T[];
  /** The last item's id when more may follow. */
  nextAfter?: string;
}

/**
 * The only door to an aggregate collection: every read and write takes the caller's space id
 * and adds it to the query itself, so a query without one cannot be written. Writes check the
 * `version` (optimistic concurrency) and push their events onto the outbox in the same update.
 */
export class SpaceScopedCollection<T extends AggregateDocument> {
  constructor(
    private readonly collection: Collection<T>,
    private readonly resource: string,
    private readonly storage: AggregateStorage,
  ) {}

  /** Indexes every space-scoped query relies on; safe to call on each start. */
  async ensureIndexes(extra: Array<Record<string, 1 | -1>> = []): Promise<void> {
    await this.collection.createIndex({ spaceId: 1, _id: 1 });
    for (const keys of extra) await this.collection.createIndex({ spaceId: 1, ...keys });
  }

  async get(spaceId: string, id: string): Promise<T> {
    const doc = await this.find(spaceId, id);
    if (!doc) throw new NotFound(this.resource, id);
    return doc;
  }

  async find(spaceId: string, id: string): Promise<T | null> {
    return (await this.collection.findOne(
      this.live(spaceId, { _id: id } as unknown as ScopedFilter<T>),
    )) as T | null;
  }

  /** Keyset pagination by id: stable under inserts, no skip. */
  async list(spaceId: string, filter: ScopedFilter<T>, limit: number, after?: string): Promise<Page<T>> {
    const query = this.live(
      spaceId,
      after ? ({ ...filter, _id: { $gt: after } } as ScopedFilter<T>) : filter,
    );
    const items = (await this.collection
      .find(query)
      .sort({ _id: 1 } as Sort)
      .limit(limit + 1)
      .toArray()) as T[];
    const more = items.length > limit;
    const page = more ? items.slice(0, limit) : items;
    return more ? { items: page, nextAfter: page.at(-1)?._id } : { items: page };
  }

  async count(spaceId: string, filter: ScopedFilter<T>): Promise<number> {
    return this.collection.countDocuments(this.live(spaceId, filter));
  }

  async insert(spaceId: string, doc: NewAggregate<T>, events: readonly PrismEvent[]): Promise<T> {
    const full = { ...doc, spaceId, version: 1, outbox: outboxEntriesOf(events) } as unknown as T;
    const ref = this.ref(spaceId, doc._id);
    if (events.length > 0) await this.storage.pending.mark(ref);
    const inserted = await insertIfAbsent(this.collection, full as Parameters<Collection<T>['insertOne']>[0]);
    if (!inserted) throw new AlreadyExists(this.resource, doc._id);
    if (events.length > 0) this.storage.queued(ref);
    return full;
  }

  /**
   * Applies `set` if the document is still at `expectedVersion`, raising the version and queueing
   * `events` in the same single-document write. ABORTED when someone else won. The condition and
   * the write are one atomic update on MongoDB and on our FerretDB build (whose launcher patches
   * FerretDB 1.x, which applied them as a read and a separate write: see atomic-update.test.ts).
   */
  async update(
    spaceId: string,
    id: string,
    expectedVersion: number,
    set: Partial<Omit<T, keyof AggregateDocument>>,
    events: readonly PrismEvent[],
  ): Promise<T> {
    const update = {
      $set: { ...set, version: expectedVersion + 1 },
      ...(events.length > 0 ? { $push: { outbox: { $each: outboxEntriesOf(events) } } } : {}),
    } as unknown as UpdateFilter<T>;
    const ref = this.ref(spaceId, id);
    if (events.length > 0) await this.storage.pending.mark(ref);
    const after = await this.collection.findOneAndUpdate(
      this.live(spaceId, { _id: id, version: expectedVersion } as unknown as ScopedFilter<T>),
      update,
      { returnDocument: 'after' },
    );
    if (!after) return this.conflictOrMissing(spaceId, id, expectedVersion);
    if (events.length > 0) this.storage.queued(ref);
    return after as T;
  }

  /** Soft-deletes with the delete's events; the relay removes the document after publishing. */
  async remove(spaceId: string, id: string, expectedVersion: number, events: readonly PrismEvent[]) {
    await this.update(spaceId, id, expectedVersion, { deletedAt: new Date() } as Partial<T>, events);
  }

  private async conflictOrMissing(spaceId: string, id: string, expectedVersion: number): Promise<never> {
    const current = await this.find(spaceId, id);
    if (!current) throw new NotFound(this.resource, id);
    throw new Aborted(
      `${this.resource} ${id} changed concurrently (version ${current.version}, expected ${expectedVersion}); read it again and retry`,
    );
  }

  private ref(spaceId: string, id: string) {
    return { collection: this.collection.collectionName, spaceId, id };
  }

  private live(spaceId: string, filter: ScopedFilter<T>): Filter<T> {
    return { ...filter, spaceId, deletedAt: { $exists: false } } as Filter<T>;
  }
}
