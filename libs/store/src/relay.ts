import type { EventPublisher } from '@prism/bus';
import { inSpan, SpanKind } from '@prism/telemetry';
import type { Registry } from 'prom-client';
import {
  type AggregateStorage,
  type OutboxDocumentRef,
  type PendingMarker,
  type QueuedEvents,
  refKey,
} from './aggregate-storage.js';
import { idListsOf } from './id-lists.js';
import { eventOf, type OutboxEntry } from './outbox.js';
import { byCollection, OutboxClearing, type OutboxDocument } from './outbox-clearing.js';
import { RelayMetrics } from './relay-metrics.js';

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
  /** How long published entries wait for a command's write to drop them before the relay does. */
  clearAfterMs?: number;
  /** Runs after an event is published and before its outbox entry is removed (fault tests). */
  afterPublish?: (entry: OutboxEntry) => Promise<void> | void;
}

/** A document's outbox, and whether the document is a tombstone. */
type Held = Pick<QueuedEvents, 'outbox' | 'deleted'>;

/** A document to drain, with what it held after the write that woke the relay, when that is known. */
interface Target {
  ref: OutboxDocumentRef;
  snapshot?: Held;
}

/**
 * Publishes what writes queued on aggregate outboxes; the published entries are then removed
 * (`OutboxClearing`). A crash between the two re-publishes on the next pass; the event id is the
 * Nats-Msg-Id, so JetStream's duplicate window drops the copy (docs/architecture.md §4).
 *
 * It works in batches: the documents woken since the last pass are published together (from the
 * outbox each write left, or read with one query per collection), in order within a document, and
 * what they published is cleared beside the publishing (`OutboxClearing`), mostly by the next
 * command's own write.
 * The relay is the one reader that spans spaces: it returns nothing to callers and publishes
 * each event on its own space's subject.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private pollDue = false;
  private stopped = true;
  /** Documents woken by writes (with the outbox the write left, when known), drained before the markers. */
  private readonly targets = new Map<string, Target>();
  private readonly metrics: RelayMetrics | undefined;
  private readonly stopListening: () => void;
  private readonly clearing: OutboxClearing;

  constructor(private readonly options: OutboxRelayOptions) {
    this.metrics = options.metrics && new RelayMetrics(options.metrics);
    this.clearing = new OutboxClearing(options);
    this.stopListening = options.storage.onQueued((queued) => this.wake(queued));
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Asks for a look at the markers now, besides the documents writes woke it for. */
  kick(): void {
    this.pollDue = true;
    this.passSoon();
  }

  /**
   * A write's wake-up. Its outbox snapshot spares the pass a read: it lists, in order, every event
   * still queued on the document after that write. Two snapshots of one document before a pass
   * may have arrived out of order, so then the pass reads the document instead.
   */
  private wake({ ref, outbox, deleted }: QueuedEvents): void {
    const key = refKey(ref);
    this.clearing.writtenWith(ref, outbox);
    const known = this.targets.has(key);
    this.targets.set(key, known ? { ref } : { ref, snapshot: { outbox, deleted } });
    this.passSoon();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening();
    clearTimeout(this.timer);
    await this.running;
    await this.clearing.stop();
  }

  /** One pass over the pending documents (every marker, however young); returns events published. */
  async drainOnce(): Promise<number> {
    const markers = await this.options.storage.pending.quietFor(-1, this.options.batchSize ?? 100);
    const published = await this.drainMarked(markers);
    await this.clearing.flush();
    return published;
  }

  private async drainMarked(markers: PendingMarker[]): Promise<number> {
    const published = await this.drain(markers.map((ref) => ({ ref })));
    // Released only after the pass: a marker whose document still holds events stays.
    await Promise.all(
      markers
        .filter((marker) => published.clean.has(refKey(marker)))
        .map((marker) => this.options.storage.pending.release(marker)),
    );
    return published.count;
  }

  /** setImmediate, not setTimeout(0), which waits a millisecond or more: a fifth of a command. */
  private passSoon(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else setImmediate(() => void this.pass());
  }

  /**
   * Woken documents are drained at once; the markers only on the poll's own clock (or a kick), so
   * a busy relay does not read them after every wake-up, and a steady stream of wake-ups never
   * postpones the poll that finds other replicas' and crashed processes' events.
   */
  private async pass(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    const poll = this.pollDue;
    this.pollDue = false;
    this.running = this.drainUntilIdle(poll);
    await this.running;
    this.running = undefined;
    if (this.stopped) return;
    if (poll) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.kick(), this.options.pollIntervalMs ?? 1000);
    }
    if (this.again || this.pollDue || this.targets.size > 0) {
      this.again = false;
      this.passSoon();
    }
  }

  private async drainUntilIdle(poll: boolean): Promise<void> {
    try {
      while (!this.stopped && this.targets.size > 0) {
        const targets = [...this.targets.values()];
        this.targets.clear();
        await this.drain(targets);
      }
      if (!poll) return;
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

  /** Publishes and clears the outboxes of `targets`; says how many events went out and which are clean. */
  private async drain(targets: Target[]): Promise<{ count: number; clean: Set<string> }> {
    const results = await Promise.all(
      [...byCollection(targets)].flatMap(([name, group]) =>
        idListsOf(group).map((chunk) => this.drainCollection(name, chunk)),
      ),
    );
    return {
      count: results.reduce((sum, r) => sum + r.count, 0),
      clean: new Set(results.flatMap((r) => [...r.clean])),
    };
  }

  private async drainCollection(name: string, targets: Target[]) {
    const collection = this.options.storage.db.collection<OutboxDocument>(name);
    const { published } = this.options.storage;
    const clean = new Set<string>();
    const unread = targets.filter((target) => !target.snapshot).map(({ ref }) => ref.id);
    let docs: OutboxDocument[] = [];
    try {
      if (unread.length > 0) docs = await collection.find({ _id: { $in: unread } }).toArray();
    } catch (error) {
      this.options.logger.error({ err: error, collection: name }, 'outbox relay could not read; will retry');
      return { count: 0, clean };
    }
    const bySpaceAndId = new Map(docs.map((doc) => [`${doc.spaceId}/${doc._id}`, doc]));
    let count = 0;
    await Promise.all(
      targets.map(async ({ ref, snapshot }) => {
        const { outbox, deleted } = snapshot ?? heldBy(bySpaceAndId.get(`${ref.spaceId}/${ref.id}`));
        const entries = outbox.filter((entry) => !published.has(entry.id));
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
        if (entries.length > 0 || deleted) this.clearing.add(ref, entries, deleted);
      }),
    );
    this.clearing.soon();
    return { count, clean };
  }

  /** Sends a document's events back to back and waits for all acks: order on one connection holds. */
  private async publishInOrder(collection: string, entries: OutboxEntry[]): Promise<void> {
    await Promise.all(
      entries.map(async (entry) => {
        const event = eventOf(entry);
        // A producer span in the event's trace: how long after the write the relay published it.
        await inSpan(
          `publish ${event.type}`,
          SpanKind.PRODUCER,
          event.traceparent,
          () => this.options.publisher.publish(event),
          { 'messaging.system': 'nats', 'messaging.message.id': event.id, 'prism.space': event.prismspace },
        );
        this.metrics?.recordPublished(collection, event.time);
        await this.options.afterPublish?.(entry);
      }),
    );
  }
}

/** What a document read from the database holds (nothing, if it is gone). */
function heldBy(doc: OutboxDocument | undefined): Held {
  return { outbox: doc?.outbox ?? [], deleted: Boolean(doc?.deletedAt) };
}
