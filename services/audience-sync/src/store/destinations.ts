import { Aborted, NotFound } from '@prism/errors';
import type { Collection, Db, UpdateFilter } from 'mongodb';
import type { DestinationDocument, DestinationStatus } from '../destinations/destination.js';

/** Destinations of audiences; every query names the space, except the start-up load. */
export class DestinationStore {
  private readonly destinations: Collection<DestinationDocument>;

  constructor(db: Db) {
    this.destinations = db.collection<DestinationDocument>('destinations');
  }

  async ensureIndexes(): Promise<void> {
    await this.destinations.createIndex({ spaceId: 1, audienceKey: 1 });
  }

  /** Every destination of every space: the dispatcher and the event feed start from them. */
  all(): Promise<DestinationDocument[]> {
    return this.destinations.find({}).toArray();
  }

  async insert(doc: DestinationDocument): Promise<void> {
    await this.destinations.insertOne(doc);
  }

  async get(spaceId: string, id: string): Promise<DestinationDocument> {
    const doc = await this.destinations.findOne({ _id: id, spaceId });
    if (!doc) throw new NotFound('destination', id);
    return doc;
  }

  list(spaceId: string, audienceKey?: string): Promise<DestinationDocument[]> {
    return this.destinations
      .find({ spaceId, ...(audienceKey && { audienceKey }) })
      .sort({ createdAt: 1, _id: 1 })
      .toArray();
  }

  /** Replaces a destination at the version it was read at (else ABORTED). */
  async replace(doc: DestinationDocument, expectedVersion: number): Promise<void> {
    const { matchedCount } = await this.destinations.replaceOne(
      { _id: doc._id, spaceId: doc.spaceId, version: expectedVersion },
      doc,
    );
    if (matchedCount === 0) throw new Aborted(`destination ${doc._id} changed meanwhile; read it again`);
  }

  /** Applies an update and answers the destination as it is after it. */
  async update(
    spaceId: string,
    id: string,
    update: UpdateFilter<DestinationDocument>,
  ): Promise<DestinationDocument> {
    const doc = await this.destinations.findOneAndUpdate({ _id: id, spaceId }, update, {
      returnDocument: 'after',
    });
    if (!doc) throw new NotFound('destination', id);
    return doc;
  }

  /** Asks for everyone in the audience to be sent again (create, enable, resync). */
  requestBackfill(spaceId: string, id: string, set: Partial<DestinationDocument> = {}) {
    return this.update(spaceId, id, {
      $inc: { backfillsRequested: 1, version: 1 },
      $set: { ...set, updatedAt: new Date() },
    });
  }

  async markBackfilled(spaceId: string, id: string, requested: number, throughSeq: number): Promise<void> {
    await this.destinations.updateOne(
      { _id: id, spaceId, backfillsDone: { $lt: requested } },
      { $set: { backfillsDone: requested, backfilledThroughSeq: throughSeq } },
    );
  }

  /** Records how far in the audience stream the destination's changes were sent (see deliveredThroughSeq). */
  async markDelivered(spaceId: string, id: string, throughSeq: number): Promise<void> {
    await this.destinations.updateOne({ _id: id, spaceId }, { $set: { deliveredThroughSeq: throughSeq } });
  }

  /** Records a sync's outcome: counters added to, other fields set. */
  async recordStatus(
    spaceId: string,
    id: string,
    counts: Partial<Pick<DestinationStatus, 'added' | 'removed' | 'failed'>>,
    set: Partial<DestinationStatus>,
    unset: (keyof DestinationStatus)[] = [],
  ): Promise<void> {
    const $inc = Object.fromEntries(
      Object.entries(counts)
        .filter(([, count]) => count)
        .map(([key, count]) => [`status.${key}`, count]),
    );
    const $set = Object.fromEntries(Object.entries(set).map(([key, value]) => [`status.${key}`, value]));
    const $unset = Object.fromEntries(unset.map((key) => [`status.${key}`, '']));
    await this.destinations.updateOne({ _id: id, spaceId }, {
      ...(Object.keys($inc).length > 0 && { $inc }),
      ...(Object.keys($set).length > 0 && { $set }),
      ...(unset.length > 0 && { $unset }),
    } as UpdateFilter<DestinationDocument>);
  }

  async remove(spaceId: string, id: string): Promise<void> {
    const { deletedCount } = await this.destinations.deleteOne({ _id: id, spaceId });
    if (deletedCount === 0) throw new NotFound('destination', id);
  }
}
