import { LRUCache } from 'lru-cache';
import type { Collection, Db } from 'mongodb';
import type { OutboxEntry } from './outbox.js';

/** A document a write queued events on. */
export interface OutboxDocumentRef {
  collection: string;
  spaceId: string;
  id: string;
}

/** What a write tells the relay: where it queued events, and the document's whole outbox after it. */
export interface QueuedEvents {
  ref: OutboxDocumentRef;
  outbox: OutboxEntry[];
  /** The write deleted the document: it goes for good once these events are out. */
  deleted: boolean;
}

/** A marker as the relay reads it: `since` is the time of the last write that queued events. */
export interface PendingMarker extends OutboxDocumentRef {
  since: Date;
}

interface MarkerDocument extends PendingMarker {
  _id: string;
}

export const refKey = (ref: OutboxDocumentRef) => `${ref.collection}/${ref.spaceId}/${ref.id}`;

/**
 * Which documents may hold unpublished events, so the relay reads those and never scans whole
 * collections (FerretDB indexes nothing but `_id`). A writer marks a document before the write
 * that queues events on it, so a crash in between leaves a marker, never an event without one.
 *
 * A marker is a lease, not a flag: it is removed only once its document's outbox is empty and
 * nobody marked it for `leaseMs` (the removal is conditioned on the `since` it read). A writer
 * marks, then writes within the same command, in milliseconds; the lease makes sure a marker is
 * never removed between those two steps, which a plain "delete when empty" could not promise
 * without a transaction.
 */
export class PendingOutboxes {
  private readonly markers: Collection<MarkerDocument>;
  /** When this process last sent a mark per document: a lease it holds need not be renewed yet. */
  private readonly markedAt = new LRUCache<string, number>({ max: 10_000 });

  constructor(
    db: Db,
    readonly leaseMs = 10_000,
  ) {
    this.markers = db.collection<MarkerDocument>('_outbox_pending');
  }

  /**
   * Makes sure the document is marked for at least half a lease from now. A mark this process sent
   * less than half a lease ago still stands (a marker outlives its last mark by a whole lease), so
   * a busy document costs one marker write per half lease, not one per command.
   */
  async mark(ref: OutboxDocumentRef): Promise<void> {
    const key = refKey(ref);
    const sentAt = Date.now();
    if (sentAt - (this.markedAt.get(key) ?? Number.NEGATIVE_INFINITY) < this.leaseMs / 2) return;
    const { collection, spaceId, id } = ref;
    await this.markers.updateOne(
      { _id: key, spaceId },
      { $set: { collection, spaceId, id, since: new Date(sentAt) } },
      { upsert: true },
    );
    this.markedAt.set(key, sentAt);
  }

  /** Markers not refreshed for `quietMs`, oldest first (a busy document cannot starve the others). */
  async quietFor(quietMs: number, limit: number): Promise<PendingMarker[]> {
    const markers = await this.markers
      .find({ since: { $lt: new Date(Date.now() - quietMs) } })
      .sort({ since: 1 })
      .limit(limit)
      .toArray();
    return markers.map(({ collection, spaceId, id, since }) => ({ collection, spaceId, id, since }));
  }

  /** Removes a marker whose document is clean, unless a writer marked it again since it was read. */
  async release(marker: PendingMarker): Promise<void> {
    if (Date.now() - marker.since.getTime() < this.leaseMs) return;
    await this.markers.deleteOne({ _id: refKey(marker), spaceId: marker.spaceId, since: marker.since });
  }
}

/**
 * What every aggregate writer and the outbox relay of one database share: the pending markers,
 * and the wake-up a write gives the relay, so no caller has to tell the relay it wrote events.
 */
export class AggregateStorage {
  readonly pending: PendingOutboxes;
  /**
   * Ids of events this process's relay published (JetStream acked them). A command that rewrites a
   * document drops them from its outbox in the same write, which spares the relay a clearing write
   * on a busy document; a forgotten id only costs a duplicate publish that JetStream discards.
   */
  readonly published = new LRUCache<string, true>({ max: 100_000, ttl: 120_000 });
  private readonly listeners = new Set<(queued: QueuedEvents) => void>();

  constructor(
    readonly db: Db,
    options: { leaseMs?: number } = {},
  ) {
    this.pending = new PendingOutboxes(db, options.leaseMs);
  }

  /** The relay listens here; returns the function that stops listening. */
  onQueued(listener: (queued: QueuedEvents) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Documents whose outbox still holds events: what the relay has yet to publish. */
  async unpublished(limit = 100): Promise<OutboxDocumentRef[]> {
    const markers = await this.pending.quietFor(-1, limit);
    const held = await Promise.all(
      markers.map(async ({ collection, spaceId, id }) => {
        const doc = await this.db
          .collection<{ _id: string; outbox?: unknown[] }>(collection)
          .findOne({ _id: id, spaceId });
        return (doc?.outbox?.length ?? 0) > 0 ? [{ collection, spaceId, id }] : [];
      }),
    );
    return held.flat();
  }

  /** Called by writers once a write that queued events is stored. */
  queued(queued: QueuedEvents): void {
    for (const listener of this.listeners) listener(queued);
  }
}
