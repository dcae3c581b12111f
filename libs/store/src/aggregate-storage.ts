import type { Collection, Db } from 'mongodb';
import { DocumentLocks, type DocumentLocksOptions } from './document-locks.js';
import { insertIfAbsent } from './insert-if-absent.js';

/** A document a write queued events on. */
export interface OutboxDocumentRef {
  collection: string;
  spaceId: string;
  id: string;
}

interface PendingMarker extends OutboxDocumentRef {
  _id: string;
  since: Date;
}

const markerId = (ref: OutboxDocumentRef) => `${ref.collection}/${ref.spaceId}/${ref.id}`;

/**
 * Which documents may hold unpublished events, so the relay reads those and never scans
 * whole collections (FerretDB cannot index `outbox.0`: a scan of 200 documents took 13 ms).
 * A marker is written before the write that queues events and removed, under the document's
 * lock, only once its outbox is empty: a crash in between leaves a marker, never an event
 * without one.
 */
export class PendingOutboxes {
  private readonly markers: Collection<PendingMarker>;

  constructor(db: Db) {
    this.markers = db.collection<PendingMarker>('_outbox_pending');
  }

  async mark(ref: OutboxDocumentRef): Promise<void> {
    await insertIfAbsent(this.markers, { _id: markerId(ref), ...ref, since: new Date() });
  }

  /** Oldest first, so a busy document cannot starve the others. */
  async oldest(limit: number): Promise<OutboxDocumentRef[]> {
    const markers = await this.markers.find({}).sort({ since: 1 }).limit(limit).toArray();
    return markers.map(({ collection, spaceId, id }) => ({ collection, spaceId, id }));
  }

  async unmark(ref: OutboxDocumentRef): Promise<void> {
    await this.markers.deleteOne({ _id: markerId(ref), spaceId: ref.spaceId });
  }
}

/** What every aggregate writer and the outbox relay of one database share. */
export class AggregateStorage {
  readonly locks: DocumentLocks;
  readonly pending: PendingOutboxes;

  constructor(
    readonly db: Db,
    lockOptions?: DocumentLocksOptions,
  ) {
    this.locks = new DocumentLocks(db, lockOptions);
    this.pending = new PendingOutboxes(db);
  }
}
