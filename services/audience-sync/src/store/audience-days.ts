import { isDuplicateKey } from '@prism/store';
import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import type { AudienceDay, AudienceDayCount } from '../domain/audience-days.js';

/**
 * `audience_days`: one audience's UTC day, kept from its committed membership changes. `lastSeq`
 * is the last membership log sequence counted in it: a chunk done again after a crash adds
 * nothing.
 */
export interface AudienceDayDocument extends AudienceDay {
  _id: string;
  spaceId: string;
  audienceId: string;
  lastSeq: number;
}

/** An audience's stored days in a window, and its size before the window (0 before any change). */
export interface StoredDays {
  days: AudienceDay[];
  sizeBefore: number;
}

/** Per-day analytics of audiences; every query names the space. */
export class AudienceDays {
  private readonly days: Collection<AudienceDayDocument>;

  constructor(db: Db) {
    this.days = db.collection<AudienceDayDocument>('audience_days');
  }

  async ensureIndexes(): Promise<void> {
    await this.days.createIndex({ spaceId: 1, audienceId: 1, date: 1 });
  }

  /**
   * Adds one log entry's counts in one write. A day that already counted entry `seq` (or a later
   * one) matches no filter, so its upsert collides with it on `_id`: counted already.
   */
  async record(spaceId: string, seq: number, counts: readonly AudienceDayCount[]): Promise<void> {
    if (counts.length === 0) return;
    const updates = counts.map(({ audienceId, date, entered, exited, size }) => ({
      updateOne: {
        filter: { _id: dayId(spaceId, audienceId, date), spaceId, lastSeq: { $lt: seq } },
        update: {
          $inc: { entered, exited },
          $set: { size, lastSeq: seq },
          $setOnInsert: { audienceId, date },
        },
        upsert: true,
      },
    }));
    try {
      await this.days.bulkWrite(updates, { ordered: false });
    } catch (error) {
      if (!countedAlready(error)) throw error;
    }
  }

  async window(spaceId: string, audienceId: string, from: string, to: string): Promise<StoredDays> {
    const [docs, before] = await Promise.all([
      this.days
        .find({ spaceId, audienceId, date: { $gte: from, $lte: to } })
        .sort({ date: 1 })
        .toArray(),
      this.days.findOne({ spaceId, audienceId, date: { $lt: from } }, { sort: { date: -1 } }),
    ]);
    return {
      days: docs.map(({ date, entered, exited, size }) => ({ date, entered, exited, size })),
      sizeBefore: before?.size ?? 0,
    };
  }

  async dropAudience(spaceId: string, audienceId: string): Promise<void> {
    await this.days.deleteMany({ spaceId, audienceId });
  }
}

const DUPLICATE_KEY = 11_000;

/** Names the space too: a collision on `_id` must only ever mean "counted already". */
const dayId = (spaceId: string, audienceId: string, date: string) => `${spaceId}|${audienceId}|${date}`;

/** Every write that failed collided on `_id`: those days had counted the entry. */
function countedAlready(error: unknown): boolean {
  if (!(error instanceof MongoBulkWriteError)) return isDuplicateKey(error);
  const failures = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
  return failures.every((failure) => failure.code === DUPLICATE_KEY);
}
