import type { EventPublisher } from '@prism/bus';
import type { Collection } from 'mongodb';
import type { Registry } from 'prom-client';
import type { AggregateStorage, OutboxDocumentRef } from './aggregate-storage.js';
import { eventOf, type OutboxEntry } from './outbox.js';
import { RelayMetrics } from './relay-metrics.js';

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
  /** The storage the aggregates' writers use: its locks and its pending-outbox markers. */
  storage: AggregateStorage;
  publisher: EventPublisher;
  logger: RelayLogger;
  /** Safety net for writes of other replicas and crashed passes; local writes call kick(). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** Where `prism_outbox_*` metrics go; none are recorded without it. */
  metrics?: Registry;
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
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** Documents named by kick(), drained before the next look at the markers. */
  private readonly targets = new Map<string, OutboxDocumentRef>();
  private readonly metrics: RelayMetrics | undefined;

  constructor(private readonly options: OutboxRelayOptions) {
    this.metrics = options.metrics && new RelayMetrics(options.metrics);
  }

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

  /** One pass over the oldest pending documents; returns how many events were published. */
  async drainOnce(): Promise<number> {
    return this.drainDocuments(await this.options.storage.pending.oldest(this.options.batchSize ?? 100));
  }

  /** A document that fails (its stream is gone, say) is logged and retried later; it blocks no other. */
  private async drainDocuments(refs: OutboxDocumentRef[]): Promise<number> {
    let published = 0;
    for (const ref of refs) {
      try {
        published += await this.drainDocument(ref);
      } catch (error) {
        // Nothing is lost: the entries and their marker stay for the next pass.
        this.metrics?.recordFailure(ref.collection);
        this.options.logger.error(
          { err: error, document: ref },
          'outbox relay could not publish; will retry',
        );
      }
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
        while (!this.stopped && this.targets.size > 0) {
          const targets = [...this.targets.values()];
          this.targets.clear();
          await this.drainDocuments(targets);
        }
        return;
      }
      while (!this.stopped && (await this.drainOnce()) > 0) {
        /* keep going while there is work */
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'outbox relay could not read pending outboxes; will retry');
    }
  }

  private async drainDocument(ref: OutboxDocumentRef): Promise<number> {
    const collection = this.options.storage.db.collection<OutboxDocument>(ref.collection);
    const doc = await collection.findOne({ _id: ref.id, spaceId: ref.spaceId });
    const entries = doc?.outbox ?? [];
    for (const entry of entries) {
      const event = eventOf(entry);
      await this.options.publisher.publish(event);
      this.metrics?.recordPublished(ref.collection, event.time);
      await this.options.afterPublish?.(entry);
    }
    await this.clear(collection, ref, entries);
    return entries.length;
  }

  /**
   * Removes exactly the entries read (and published); newer ones pushed meanwhile stay, and
   * so does the marker. A tombstone whose last events are out is removed for good.
   */
  private async clear(
    collection: Collection<OutboxDocument>,
    ref: OutboxDocumentRef,
    entries: OutboxEntry[],
  ) {
    const { locks, pending } = this.options.storage;
    await locks.withLock(ref.collection, ref.spaceId, ref.id, async () => {
      const key = { _id: ref.id, spaceId: ref.spaceId };
      const after =
        entries.length > 0
          ? await collection.findOneAndUpdate(
              key,
              { $pullAll: { outbox: entries } },
              { returnDocument: 'after' },
            )
          : await collection.findOne(key);
      if (after && after.outbox.length > 0) return;
      if (after?.deletedAt) await collection.deleteOne(key);
      await pending.unmark(ref);
    });
  }
}
