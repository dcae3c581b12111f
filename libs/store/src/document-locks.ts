import { randomUUID } from 'node:crypto';
import { Aborted } from '@prism/errors';
import type { Collection, Db } from 'mongodb';
import { insertIfAbsent } from './insert-if-absent.js';

interface LockDocument {
  _id: string;
  spaceId: string;
  owner: string;
  expiresAt: Date;
}

export interface DocumentLocksOptions {
  /** A holder that died is presumed gone after this long; a write takes milliseconds. */
  ttlMs?: number;
  /** How long a writer waits for a busy document before answering ABORTED. */
  waitMs?: number;
}

/**
 * Serializes writes to one document across processes. FerretDB 1.x applies an update as
 * read-modify-write outside any transaction, so two concurrent conditional updates of one
 * document can both "succeed" and lose each other (measured: 8 racing `version: 1` updates,
 * several modifiedCount 1, one surviving write). An insert with a unique `_id` is atomic on
 * FerretDB and MongoDB alike, so a lock is a document inserted before the write and deleted
 * after it. MongoDB would not need it; one code path for both keeps the tested one the real one.
 *
 * Writers in one process (commands and the outbox relay) first queue in memory, first come
 * first served: polling the lock document alone let a busy writer starve the relay.
 */
export class DocumentLocks {
  private readonly locks: Collection<LockDocument>;
  private readonly ttlMs: number;
  private readonly waitMs: number;
  /** Tail of the in-process queue per lock id. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(db: Db, options: DocumentLocksOptions = {}) {
    this.locks = db.collection<LockDocument>('_document_locks');
    this.ttlMs = options.ttlMs ?? 10_000;
    this.waitMs = options.waitMs ?? 5_000;
  }

  /** Runs `write` while no other holder of these locks writes the same document. */
  async withLock<T>(collection: string, spaceId: string, id: string, write: () => Promise<T>): Promise<T> {
    const _id = `${collection}/${spaceId}/${id}`;
    const ahead = this.queues.get(_id) ?? Promise.resolve();
    let leave = () => {};
    const done = new Promise<void>((resolve) => {
      leave = resolve;
    });
    const mine = ahead.then(() => done);
    this.queues.set(_id, mine);
    await ahead;
    try {
      const owner = randomUUID();
      await this.acquire({ _id, spaceId, owner });
      try {
        return await write();
      } finally {
        await this.locks.deleteOne({ _id, owner });
      }
    } finally {
      leave();
      if (this.queues.get(_id) === mine) this.queues.delete(_id);
    }
  }

  private async acquire(lock: Omit<LockDocument, 'expiresAt'>): Promise<void> {
    const deadline = Date.now() + this.waitMs;
    for (let delayMs = 1; ; delayMs = Math.min(delayMs * 2, 25)) {
      if (await this.tryInsert(lock)) return;
      const held = await this.locks.findOne({ _id: lock._id });
      if (held && held.expiresAt.getTime() < Date.now()) {
        // The holder died mid-write: take over its lock (its own write is version-checked).
        await this.locks.deleteOne({ _id: lock._id, owner: held.owner });
        continue;
      }
      if (Date.now() > deadline) throw new Aborted(`${lock._id} is being changed by someone else; retry`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private tryInsert(lock: Omit<LockDocument, 'expiresAt'>): Promise<boolean> {
    return insertIfAbsent(this.locks, { ...lock, expiresAt: new Date(Date.now() + this.ttlMs) });
  }
}
