import { Aborted } from '@prism/errors';
import type { Collection, Filter, OptionalUnlessRequiredId, WithId } from 'mongodb';
import { insertIfAbsent } from './insert-if-absent.js';

/** The fields `reviseDocument` keeps on a document besides the caller's own. */
export interface Revised {
  _id: string;
  spaceId: string;
  /** Raised by every write; absent on documents written before revisions existed. */
  revision?: number;
}

/** The caller's part of a revised document. */
export type RevisedContent<D extends Revised> = Omit<D, keyof Revised>;

/**
 * Read → decide → write if nobody wrote in between, retried on a lost race: the way a projection or
 * any small document that several consumers (or replicas) change is kept without locks. The write is
 * a unique insert for a new document and a replace conditioned on the revision read otherwise: both
 * atomic on MongoDB and on our FerretDB build. `decide` gets the current content (undefined when
 * there is none) and returns the next, or undefined to write nothing. Resolves to what was decided.
 */
export async function reviseDocument<D extends Revised>(
  collection: Collection<D>,
  spaceId: string,
  id: string,
  decide: (current: WithId<D> | undefined) => RevisedContent<D> | undefined,
  attempts = 12,
): Promise<RevisedContent<D> | undefined> {
  const key = { _id: id, spaceId } as Filter<D>;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const current = (await collection.findOne(key)) ?? undefined;
    const next = decide(current);
    if (next === undefined) return undefined;
    const revision = (current?.revision ?? 0) + 1;
    const doc = { ...next, _id: id, spaceId, revision } as unknown as D;
    if (!current) {
      if (await insertIfAbsent(collection, doc as OptionalUnlessRequiredId<D>)) return next;
      continue;
    }
    const unchanged = {
      ...key,
      revision: current.revision === undefined ? { $exists: false } : current.revision,
    } as Filter<D>;
    const { matchedCount } = await collection.replaceOne(unchanged, doc);
    if (matchedCount === 1) return next;
  }
  throw new Aborted(`${collection.collectionName} ${id} keeps changing under this writer; retry`);
}
