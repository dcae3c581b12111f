import type { PrismEvent } from '@prism/bus';
import { Aborted, AlreadyExists, NotFound } from '@prism/errors';
import { LRUCache } from 'lru-cache';
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

/** What a command decided to write: new field values and the events they cause. */
export interface AggregateChange<T extends AggregateDocument> {
  set: Partial<Omit<T, keyof AggregateDocument>>;
  events: readonly PrismEvent[];
}

/**
 * Documents a process keeps its last copy of, for commands to start from, and for how long: well
 * inside JetStream's two-minute duplicate window, so an outbox entry another replica published
 * and this copy still holds can only come back as a duplicate that JetStream drops.
 */
const RECENT_DOCUMENTS = { max: 10_000, ttl: 30_000 };

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
  /** The copy of each document this process last read or wrote (see `change`). */
  private readonly recent = new LRUCache<string, T>(RECENT_DOCUMENTS);

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
    this.recent.set(this.key(spaceId, id), doc);
    return doc;
  }

  /**
   * A command: decide on the document, then write the decision if the document is still the one
   * decided on. It starts from this process's last copy when there is one, which saves the read on
   * a busy document; a copy someone else made stale fails its conditional write (or its decision),
   * and the command is decided again on a fresh read. So `decide` runs once or twice, and only the
   * decision taken on the current document is ever written or thrown. Undefined: nothing to write.
   */
  async change(
    spaceId: string,
    id: string,
    decide: (current: T) => Promise<AggregateChange<T> | undefined> | AggregateChange<T> | undefined,
  ): Promise<T> {
    const copy = this.recent.get(this.key(spaceId, id));
    if (copy) {
      const written = await this.writeDecision(spaceId, copy, decide).catch(() => undefined);
      if (written) return written;
    }
    const current = await this.get(spaceId, id);
    const written = await this.writeDecision(spaceId, current, decide);
    return written ?? this.conflictOrMissing(spaceId, id, current.version);
  }

  /** The document after the decision (itself when nothing changes); undefined when it lost a race. */
  private async writeDecision(
    spaceId: string,
    current: T,
    decide: (current: T) => Promise<AggregateChange<T> | undefined> | AggregateChange<T> | undefined,
  ): Promise<T | undefined> {
    const decision = await decide(current);
    if (!decision) return current;
    const written = await this.conditionalWrite(spaceId, current._id, current.version, decision, current);
    if (!written) this.recent.delete(this.key(spaceId, current._id));
    return written ?? undefined;
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

  /**
   * Every live match, read a page at a time by `list`: for handlers that visit (and may change)
   * them all; the next page is read only once the caller has taken this one.
   */
  async *each(spaceId: string, filter: ScopedFilter<T>, pageSize = 100): AsyncGenerator<T> {
    let after: string | undefined;
    do {
      const page = await this.list(spaceId, filter, pageSize, after);
      after = page.nextAfter;
      yield* page.items;
    } while (after);
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
    this.recent.set(this.key(spaceId, doc._id), full);
    if (events.length > 0) this.storage.queued({ ref, outbox: full.outbox, deleted: false });
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
    const after = await this.conditionalWrite(spaceId, id, expectedVersion, { set, events });
    return after ?? this.conflictOrMissing(spaceId, id, expectedVersion);
  }

  /**
   * The write behind `update` and `change`: the document after it, or null when it was not at that
   * version. Knowing the document at that version (`current`), it rewrites the outbox whole, without
   * what the relay already published; otherwise it appends.
   */
  private async conditionalWrite(
    spaceId: string,
    id: string,
    expectedVersion: number,
    { set, events }: AggregateChange<T>,
    current?: T,
  ): Promise<T | null> {
    const queued = outboxEntriesOf(events);
    const update = (current
      ? {
          $set: {
            ...set,
            version: expectedVersion + 1,
            outbox: [...current.outbox.filter((entry) => !this.storage.published.has(entry.id)), ...queued],
          },
        }
      : {
          $set: { ...set, version: expectedVersion + 1 },
          ...(queued.length > 0 ? { $push: { outbox: { $each: queued } } } : {}),
        }) as unknown as UpdateFilter<T>;
    const ref = this.ref(spaceId, id);
    if (events.length > 0) await this.storage.pending.mark(ref);
    const after = (await this.collection.findOneAndUpdate(
      this.live(spaceId, { _id: id, version: expectedVersion } as unknown as ScopedFilter<T>),
      update,
      { returnDocument: 'after' },
    )) as T | null;
    if (!after) return null;
    this.recent.set(this.key(spaceId, id), after);
    if (events.length > 0)
      this.storage.queued({ ref, outbox: after.outbox, deleted: Boolean(after.deletedAt) });
    return after;
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

  private key(spaceId: string, id: string): string {
    return `${spaceId}/${id}`;
  }

  private ref(spaceId: string, id: string) {
    return { collection: this.collection.collectionName, spaceId, id };
  }

  private live(spaceId: string, filter: ScopedFilter<T>): Filter<T> {
    return { ...filter, spaceId, deletedAt: { $exists: false } } as Filter<T>;
  }
}
