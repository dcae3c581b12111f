import { Aborted, AlreadyExists, NotFound } from '@prism/errors';
import { insertIfAbsent, type Page } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import type { SpaceDocument } from './space.js';

/**
 * The `spaces` collection. Every write addresses a document by `_id` (the only filter FerretDB 1.x
 * answers without scanning) and is a whole-document `replaceOne` conditioned on the version read:
 * a space is small, and replacing it avoids FerretDB's slow `$set` path. The conditional replace is
 * atomic on MongoDB and on our FerretDB build (stock FerretDB 1.x let up to 5 of 8 racing writers
 * "win"; see libs/store's atomic-update test).
 */
export class SpaceStore {
  private readonly spaces: Collection<SpaceDocument>;

  constructor(db: Db) {
    this.spaces = db.collection<SpaceDocument>('spaces');
  }

  async insert(space: SpaceDocument): Promise<void> {
    if (!(await insertIfAbsent(this.spaces, space))) throw new AlreadyExists('space', space.spaceId);
  }

  async get(spaceId: string): Promise<SpaceDocument> {
    const space = await this.spaces.findOne({ _id: spaceId });
    if (!space) throw new NotFound('space', spaceId);
    return space;
  }

  /** Every space: the collection holds one small document per environment, so it is read whole. */
  all(): Promise<SpaceDocument[]> {
    return this.spaces.find({}).toArray();
  }

  /** Keyset pagination by id, for the operator's listing. */
  async page(limit: number, after?: string): Promise<Page<SpaceDocument>> {
    const spaces = await this.spaces
      .find(after ? { _id: { $gt: after } } : {})
      .sort({ _id: 1 })
      .limit(limit + 1)
      .toArray();
    if (spaces.length <= limit) return { items: spaces };
    const items = spaces.slice(0, limit);
    return { items, nextAfter: items.at(-1)?._id };
  }

  /**
   * Writes `space` as the version after `space.version`, if that is still the stored one.
   * ABORTED when another writer got there first: the caller re-reads and retries.
   */
  async replace(space: SpaceDocument): Promise<SpaceDocument> {
    const next = { ...space, version: space.version + 1 };
    const { matchedCount } = await this.spaces.replaceOne({ _id: space._id, version: space.version }, next);
    if (matchedCount === 1) return next;
    const current = await this.get(space._id);
    throw new Aborted(
      `space ${space._id} changed concurrently (version ${current.version}, expected ${space.version}); read it again and retry`,
    );
  }
}
