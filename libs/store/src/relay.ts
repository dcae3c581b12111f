import type { EventPublisher } from '@prism/bus';
import type { Collection, Db } from 'mongodb';
import type { DocumentLocks } from './document-locks.js';
import { eventOf, type OutboxEntry } from './outbox.js';

interface OutboxDocument {
  _id: string;
  spaceId: string;
  outbox: OutboxEntry[];
  deletedAt?: Date;
}

interface RelayLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface OutboxRelayOptions {
  db: Db;
  /** The same locks the aggregates' writers use: clearing the outbox is a write too. */
  locks: DocumentLocks;
  /** Names of the aggregate collections whose documents carry an `outbox`. */
  collections: string[];
  publisher: EventPublisher;
  logger: RelayLogger;
  /** Safety net for writes made by other replicas; local writes call kick(). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Runs after an event is published and before its outbox entry is removed (fault tests). */
  afterPublish?: (entry: OutboxEntry) => Promise<void> | void;
}

/**
 * Publishes what commands pushed onto aggregate outboxes, then `$pullAll`s exactly the
 * published entries. A crash between the two re-publishes on the next pass; the event id
 * is the Nats-Msg-Id, so JetStream's duplicate window drops the copy (ARCHITECTURE §4).
 *
 * The relay is the one reader that spans spaces: it returns nothing to callers and publishes
 * each event on its own space's subject.
 */
/** A document a command just queued events on. */
export interface OutboxDocumentRef {
  collection: string;
  spaceId: string;
  id: string;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** Documents named by kick(); drained by id, which spares a scan of every collection. */
  private readonly targets = new Map<string, OutboxDocumentRef>();

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a pass now, e.g. right after a command stored new events on `target`. */
  kick(target?: OutboxDocumentRef): void {
    if (this.stopped) return;
    if (target) this.targets.set(`${target.collection}/${target.spaceId}/${target.id}`, target);
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over every collection; returns how many events were published. */
  async drainOnce(): Promise<number> {
    let published = 0;
    for (const name of this.options.collections) {
      published += await this.drainCollection(this.options.db.collection<OutboxDocument>(name));
    }
    return published;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pass(), delayMs);
  }

  private async pass(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = this.drainUntilIdle();
    await this.running;
    this.running = undefined;
    if (!this.stopped) this.schedule(this.again ? 0 : (this.options.pollIntervalMs ?? 500));
    this.again = false;
  }

  private async drainUntilIdle(): Promise<void> {
    try {
      if (this.targets.size > 0) {
        while (!this.stopped && this.targets.size > 0) await this.drainTargets();
        return;
      }
      while (!this.stopped && (await this.drainOnce()) > 0) {
        /* a full scan: keep going while there is work */
      }
    } catch (error) {
      // Nothing is lost: the entries stay in the outbox for the next pass.
      this.options.logger.error({ err: error }, 'outbox relay pass failed; will retry');
    }
  }

  private async drainTargets(): Promise<void> {
    const targets = [...this.targets.values()];
    this.targets.clear();
    for (const { collection: name, spaceId, id } of targets) {
      const collection = this.options.db.collection<OutboxDocument>(name);
      const doc = await collection.findOne({ _id: id, spaceId });
      if (doc && doc.outbox.length > 0) await this.publishAndClear(collection, doc);
    }
  }

  private async drainCollection(collection: Collection<OutboxDocument>): Promise<number> {
    const pending = await collection
      .find({ 'outbox.0': { $exists: true } })
      .limit(this.options.batchSize ?? 100)
      .toArray();
    let published = 0;
    for (const doc of pending) published += await this.publishAndClear(collection, doc);
    return published;
  }

  private async publishAndClear(
    collection: Collection<OutboxDocument>,
    doc: OutboxDocument,
  ): Promise<number> {
    for (const entry of doc.outbox) {
      await this.options.publisher.publish(eventOf(entry));
      await this.options.afterPublish?.(entry);
    }
    return this.clear(collection, doc);
  }

  /** Removes exactly the entries read (and published); newer ones pushed meanwhile stay. */
  private async clear(collection: Collection<OutboxDocument>, doc: OutboxDocument): Promise<number> {
    return this.options.locks.withLock(collection.collectionName, doc.spaceId, doc._id, async () => {
      const key = { _id: doc._id, spaceId: doc.spaceId };
      const cleared = await collection.updateOne(key, { $pullAll: { outbox: doc.outbox } });
      if (doc.deletedAt) await collection.deleteOne({ ...key, 'outbox.0': { $exists: false } });
      // Counting only what left the outbox keeps the drain loop from spinning on entries
      // that could not be removed; they are retried at the next poll instead.
      return cleared.modifiedCount > 0 ? doc.outbox.length : 0;
    });
  }
}
