import type { EventPublisher } from '@prism/bus';
import type { AnyBulkWriteOperation } from 'mongodb';
import type { Registry } from 'prom-client';
import {
  type AggregateStorage,
  type OutboxDocumentRef,
  type PendingMarker,
  refKey,
} from './aggregate-storage.js';
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
  /** The storage the aggregates' writers use: its wake-ups and its pending-outbox markers. */
  storage: AggregateStorage;
  publisher: EventPublisher;
  logger: RelayLogger;
  /** Safety net for writes of other replicas and of crashed processes; local writes wake the relay. */
  pollIntervalMs?: number;
  /** A marker this quiet is the poll's: younger ones belong to writes whose wake-up is on its way. */
  quietMs?: number;
  batchSize?: number;
  /** Where `prism_outbox_*` metrics go; none are recorded without it. */
  metrics?: Registry;
  /** Runs after an event is published and before its outbox entry is removed (fault tests). */
  afterPublish?: (entry: OutboxEntry) => Promise<void> | void;
}

/** `_id: {$in}` lists stay at or under what the patched FerretDB looks up by index. */
const ID_LIST_MAX = 500;

/**
 * Publishes what writes pushed onto aggregate outboxes, then `$pullAll`s exactly the published
 * entries. A crash between the two re-publishes on the next pass; the event id is the
 * Nats-Msg-Id, so JetStream's duplicate window drops the copy (docs/architecture.md, "Outbox").
 *
 * It works in batches: the documents woken since the last pass are read with one query per
 * collection, their events published together (in order within a document) and cleared with
 * one bulk write per collection, so sixteen commands in flight cost two round trips, not sixteen.
 * The relay is the one reader that spans spaces: it returns nothing to callers and publishes
 * each event on its own space's subject.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  /** Documents woken by writes, drained before the next look at the markers. */
  private readonly targets = new Map<string, OutboxDocumentRef>();
  private readonly metrics: RelayMetrics | undefined;
  private readonly stopListening: () => void;

  constructor(private readonly options: OutboxRelayOptions) {
    this.metrics = options.metrics && new RelayMetrics(options.metrics);
    this.stopListening = options.storage.onQueued((ref) => this.kick(ref));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a pass now; writes through the storage call it themselves. */
  kick(target?: OutboxDocumentRef): void {
    if (this.stopped) return;
    if (target) this.targets.set(refKey(target), target);
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening();
    clearTimeout(this.timer);
    await this.running;
  }

  /** One pass over the pending documents (every marker, however young); returns events published. */
  async drainOnce(): Promise<number> {
    const markers = await this.options.storage.pending.quietFor(-1, this.options.batchSize ?? 100);
    return this.drainMarked(markers);
  }

  private async drainMarked(markers: PendingMarker[]): Promise<number> {
    const published = await this.drain(markers);
    // Released only after the pass: a marker whose document still holds events stays.
    await Promise.all(
      markers
        .filter((marker) => published.clean.has(refKey(marker)))
        .map((marker) => this.options.storage.pending.release(marker)),
    );
    return published.count;
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
    if (!this.stopped) this.schedule(this.again ? 0 : (this.options.pollIntervalMs ?? 1000));
    this.again = false;
  }

  private async drainUntilIdle(): Promise<void> {
    try {
      if (this.targets.size > 0) {
        while (!this.stopped && this.targets.size > 0) {
          const targets = [...this.targets.values()];
          this.targets.clear();
          await this.drain(targets);
        }
        return;
      }
      const quietMs = this.options.quietMs ?? 1000;
      const batch = this.options.batchSize ?? 100;
      while (!this.stopped) {
        const markers = await this.options.storage.pending.quietFor(quietMs, batch);
        if ((await this.drainMarked(markers)) === 0) break;
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'outbox relay could not read pending outboxes; will retry');
    }
  }

  /** Publishes and clears the outboxes of `refs`; says how many events went out and which are clean. */
  private async drain(refs: OutboxDocumentRef[]): Promise<{ count: number; clean: Set<string> }> {
    const byCollection = new Map<string, OutboxDocumentRef[]>();
    for (const ref of refs)
      byCollection.set(ref.collection, [...(byCollection.get(ref.collection) ?? []), ref]);
    const results = await Promise.all(
      [...byCollection].flatMap(([name, group]) =>
        chunks(group, ID_LIST_MAX).map((chunk) => this.drainCollection(name, chunk)),
      ),
    );
    return {
      count: results.reduce((sum, r) => sum + r.count, 0),
      clean: new Set(results.flatMap((r) => [...r.clean])),
    };
  }

  private async drainCollection(name: string, refs: OutboxDocumentRef[]) {
    const collection = this.options.storage.db.collection<OutboxDocument>(name);
    const clean = new Set<string>();
    let docs: OutboxDocument[];
    try {
      docs = await collection.find({ _id: { $in: refs.map((ref) => ref.id) } }).toArray();
    } catch (error) {
      this.options.logger.error({ err: error, collection: name }, 'outbox relay could not read; will retry');
      return { count: 0, clean };
    }
    const bySpaceAndId = new Map(docs.map((doc) => [`${doc.spaceId}/${doc._id}`, doc]));
    const cleared: AnyBulkWriteOperation<OutboxDocument>[] = [];
    let count = 0;
    await Promise.all(
      refs.map(async (ref) => {
        const doc = bySpaceAndId.get(`${ref.spaceId}/${ref.id}`);
        const entries = doc?.outbox ?? [];
        try {
          await this.publishInOrder(name, entries);
        } catch (error) {
          // Nothing is lost: the entries and their marker stay for the next pass; no other document waits.
          this.metrics?.recordFailure(name);
          this.options.logger.error(
            { err: error, document: ref },
            'outbox relay could not publish; will retry',
          );
          return;
        }
        count += entries.length;
        clean.add(refKey(ref));
        const key = { _id: ref.id, spaceId: ref.spaceId };
        if (entries.length > 0)
          cleared.push({ updateOne: { filter: key, update: { $pullAll: { outbox: entries } } } });
        // A tombstone whose last events are out goes for good (the condition re-checks it atomically).
        if (doc?.deletedAt) cleared.push({ deleteOne: { filter: { ...key, outbox: { $size: 0 } } } });
      }),
    );
    if (cleared.length > 0) await collection.bulkWrite(cleared, { ordered: true });
    return { count, clean };
  }

  /** Sends a document's events back to back and waits for all acks: order on one connection holds. */
  private async publishInOrder(collection: string, entries: OutboxEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (entry) => {
        const event = eventOf(entry);
        await this.options.publisher.publish(event);
        this.metrics?.recordPublished(collection, event.time);
        await this.options.afterPublish?.(entry);
      }),
    );
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
