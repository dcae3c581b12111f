import { isDuplicateKey } from '@prism/store';
import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import type { Identifier } from '../domain/profile-mirror.js';

/** One membership change waiting to reach one destination (or given up on: a dead letter). */
export interface DeliveryDocument {
  /** `<destination>:<event id>`: the same change is queued once however often it arrives. */
  _id: string;
  spaceId: string;
  destinationId: string;
  /** Position in the audience stream: deliveries go in this order. */
  seq: number;
  profileId: string;
  change: 'entered' | 'exited';
  /** The campaign epoch of the change (0 outside campaigns). */
  epoch: number;
  /** The CloudEvent, as JSON: a webhook's body. */
  body: string;
  identifiers: Identifier[];
  attempts: number;
  dueAt: Date;
  state: 'pending' | 'dead';
  lastError?: string;
  deadAt?: Date;
  /** A dead letter made pending again: never sent, so no delivered mark makes it stale. */
  replayed?: boolean;
}

/** The destinations' outbox: what the audience events asked to send, until it is sent. */
export class DeliveryQueue {
  private readonly deliveries: Collection<DeliveryDocument>;

  constructor(db: Db) {
    this.deliveries = db.collection<DeliveryDocument>('destination_deliveries');
  }

  async ensureIndexes(): Promise<void> {
    await this.deliveries.createIndex({ destinationId: 1, state: 1, seq: 1 });
  }

  /** Queues deliveries; one already queued (a redelivered event) is left as it is. */
  async enqueue(docs: DeliveryDocument[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await this.deliveries.insertMany(docs, { ordered: false });
    } catch (error) {
      const duplicates =
        error instanceof MongoBulkWriteError &&
        [error.writeErrors].flat().every((failure) => failure.code === 11000);
      if (!duplicates && !isDuplicateKey(error)) throw error;
    }
  }

  /** The destination's next pending deliveries, in stream order (due or not). */
  next(spaceId: string, destinationId: string, limit: number): Promise<DeliveryDocument[]> {
    return this.deliveries
      .find({ spaceId, destinationId, state: 'pending' })
      .sort({ seq: 1 })
      .limit(limit)
      .toArray();
  }

  /**
   * One write per id in one round trip: a Mongo-wire server that finds documents by `_id` alone
   * (our FerretDB build) would read the whole queue for an `$in` (5,000 ids: 10.8 s against 2).
   */
  async delivered(spaceId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.deliveries.bulkWrite(
      ids.map((_id) => ({ deleteOne: { filter: { _id, spaceId } } })),
      { ordered: false },
    );
  }

  async retryLater(spaceId: string, id: string, attempts: number, dueAt: Date, lastError: string) {
    await this.deliveries.updateOne({ _id: id, spaceId }, { $set: { attempts, dueAt, lastError } });
  }

  async bury(spaceId: string, ids: string[], lastError: string, attempts?: number): Promise<void> {
    if (ids.length === 0) return;
    const $set = { state: 'dead' as const, lastError, deadAt: new Date(), ...(attempts && { attempts }) };
    await this.deliveries.bulkWrite(
      ids.map((_id) => ({ updateOne: { filter: { _id, spaceId }, update: { $set } } })),
      { ordered: false },
    );
  }

  /** Drops pending deliveries a full resend made moot (up to the stream position it covered). */
  async supersede(spaceId: string, destinationId: string, throughSeq: number): Promise<void> {
    await this.deliveries.deleteMany({ spaceId, destinationId, state: 'pending', seq: { $lte: throughSeq } });
  }

  count(spaceId: string, destinationId: string, state: DeliveryDocument['state']): Promise<number> {
    return this.deliveries.countDocuments({ spaceId, destinationId, state });
  }

  /** Dead letters after `after` (their id order), at most `limit`. */
  deadLetters(spaceId: string, destinationId: string, after: string, limit: number) {
    return this.deliveries
      .find({ spaceId, destinationId, state: 'dead', _id: { $gt: after } })
      .sort({ _id: 1 })
      .limit(limit)
      .toArray();
  }

  /** Makes dead letters pending again, due now; answers how many. */
  async replay(spaceId: string, destinationId: string, ids: string[]): Promise<number> {
    const { modifiedCount } = await this.deliveries.updateMany(
      { spaceId, destinationId, state: 'dead', ...(ids.length > 0 && { _id: { $in: ids } }) },
      { $set: { state: 'pending', attempts: 0, dueAt: new Date(), replayed: true }, $unset: { deadAt: '' } },
    );
    return modifiedCount;
  }

  async removeDestination(spaceId: string, destinationId: string): Promise<void> {
    await this.deliveries.deleteMany({ spaceId, destinationId });
  }
}
