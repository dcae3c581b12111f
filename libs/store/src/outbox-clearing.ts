import type { AnyBulkWriteOperation } from 'mongodb';
import { type AggregateStorage, type OutboxDocumentRef, refKey } from './aggregate-storage.js';
import type { OutboxEntry } from './outbox.js';

/** The fields of an aggregate document the relay reads and clears. */
export interface OutboxDocument {
  _id: string;
  spaceId: string;
  outbox: OutboxEntry[];
  deletedAt?: Date;
}

/** Published events of one document that its outbox still holds. */
interface HeldEntries {
  ref: OutboxDocumentRef;
  entries: OutboxEntry[];
  deleted: boolean;
}

export interface OutboxClearingOptions {
  storage: AggregateStorage;
  logger: { warn(obj: object, msg?: string): void };
  /** How long published entries wait for a command's write to drop them before they are removed here. */
  clearAfterMs?: number;
}

/** Groups refs (or anything carrying one) by the collection their document lives in. */
export function byCollection<T extends { ref: OutboxDocumentRef }>(items: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(item.ref.collection);
    if (group) group.push(item);
    else groups.set(item.ref.collection, [item]);
  }
  return groups;
}

/**
 * Removes what the relay published from the documents that still hold it, beside publishing and
 * not in its way. It waits a moment (`clearAfterMs`) first: on a busy document the next command's
 * write drops the published entries itself (they are in `storage.published`), and this write never
 * happens. What is left goes in one bulk write per collection: `$pullAll` of exactly those entries,
 * and the removal of tombstones whose last events are out. A failed removal is retried; until then
 * the published ids keep later passes from publishing those events again.
 */
export class OutboxClearing {
  private readonly held = new Map<string, HeldEntries>();
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly options: OutboxClearingOptions) {}

  /** Records that `entries` of `ref` are published (and, for a tombstone, that it may go once empty). */
  add(ref: OutboxDocumentRef, entries: OutboxEntry[], deleted: boolean): void {
    for (const entry of entries) this.options.storage.published.set(entry.id, true);
    const key = refKey(ref);
    const known = this.held.get(key);
    this.held.set(key, { ref, entries: [...(known?.entries ?? []), ...entries], deleted });
  }

  /** A write left `outbox` on the document: entries waiting here that it no longer holds are gone. */
  writtenWith(ref: OutboxDocumentRef, outbox: OutboxEntry[]): void {
    const key = refKey(ref);
    const known = this.held.get(key);
    if (!known) return;
    const stillHeld = new Set(outbox.map((entry) => entry.id));
    const entries = known.entries.filter((entry) => stillHeld.has(entry.id));
    if (entries.length === 0 && !known.deleted) this.held.delete(key);
    else this.held.set(key, { ...known, entries });
  }

  soon(): void {
    if (this.stopped || this.running || this.timer || this.held.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.clear().finally(() => {
        this.running = undefined;
        this.soon();
      });
    }, this.options.clearAfterMs ?? 200);
    this.timer.unref();
  }

  /** Clears now whatever is published and still held (a relay's stop, drainOnce). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    if (this.held.size > 0) await this.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.flush();
  }

  private async clear(): Promise<void> {
    const batch = [...this.held.values()];
    this.held.clear();
    await Promise.all(
      [...byCollection(batch)].map(async ([name, items]) => {
        try {
          await this.options.storage.db
            .collection<OutboxDocument>(name)
            .bulkWrite(items.flatMap(clearingWrites), { ordered: true });
        } catch (error) {
          this.options.logger.warn(
            { err: error, collection: name },
            'outbox relay could not clear; will retry',
          );
          for (const { ref, entries, deleted } of items) this.add(ref, entries, deleted);
        }
      }),
    );
  }
}

function clearingWrites({ ref, entries, deleted }: HeldEntries): AnyBulkWriteOperation<OutboxDocument>[] {
  const key = { _id: ref.id, spaceId: ref.spaceId };
  const writes: AnyBulkWriteOperation<OutboxDocument>[] = [];
  if (entries.length > 0)
    writes.push({ updateOne: { filter: key, update: { $pullAll: { outbox: entries } } } });
  // The condition re-checks it in the same atomic step: only an empty tombstone goes.
  if (deleted) writes.push({ deleteOne: { filter: { ...key, outbox: { $size: 0 } } } });
  return writes;
}
