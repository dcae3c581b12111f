import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { PrismEvent } from '@prism/bus';
import { Binary, type Collection, type Db } from 'mongodb';
import type { MembershipChange } from '../domain/membership.js';
import type {
  MembershipBucketDocument,
  MembershipLogDocument,
  MembershipMarkDocument,
  MembershipPublishedDocument,
} from './documents.js';

/** A membership log entry as recovery reads it. */
export interface LogEntry {
  seq: number;
  changes: MembershipChange[];
  events: PrismEvent[];
  published: boolean;
}

/** Buckets per audience snapshot: a snapshot rewrites only the buckets whose members changed. */
export const BUCKETS = 64;

/** FNV-1a: snapshots hash every member of a changed audience, so the hash must be cheap. */
export function bucketOf(profileId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < profileId.length; i += 1) hash = Math.imul(hash ^ profileId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % BUCKETS;
}

/** A snapshot bucket as the engine holds it. */
export interface BucketMembers {
  audienceId: string;
  bucket: number;
  members: [string, number][];
}

const pack = (value: unknown) => new Binary(deflateRawSync(JSON.stringify(value), { level: 1 }));
const unpack = <T>(binary: Binary): T => JSON.parse(inflateRawSync(binary.buffer).toString('utf8')) as T;

/**
 * Where membership lives in the Mongo-wire server: a change log that is also the outbox (one
 * document per committed batch, written before its events are published) and bucketed
 * snapshots that let the log be compacted.
 */
export class MembershipStore {
  private readonly log: Collection<MembershipLogDocument>;
  private readonly buckets: Collection<MembershipBucketDocument>;
  private readonly marks: Collection<MembershipMarkDocument>;
  private readonly published: Collection<MembershipPublishedDocument>;

  constructor(db: Db) {
    this.log = db.collection('membership_log');
    this.buckets = db.collection('membership_buckets');
    this.marks = db.collection('membership_marks');
    this.published = db.collection('membership_published');
  }

  async ensureIndexes(): Promise<void> {
    await this.log.createIndex({ spaceId: 1, seq: 1 });
    await this.buckets.createIndex({ spaceId: 1, audienceId: 1 });
  }

  /** One write per batch: the changes and the events that announce them. */
  async append(
    spaceId: string,
    seq: number,
    changes: MembershipChange[],
    events: PrismEvent[],
  ): Promise<void> {
    const doc = { _id: logId(spaceId, seq), spaceId, seq, batch: pack({ changes, events }) };
    await this.log.insertOne(doc);
  }

  /** Everything up to `seq` is published: a space's batches are published in order. */
  async markPublished(spaceId: string, seq: number): Promise<void> {
    await this.published.replaceOne({ _id: spaceId, spaceId }, { spaceId, seq }, { upsert: true });
  }

  /**
   * The log a start reads, in order, each entry with whether its events went out: every entry
   * after the space's snapshot (`seq`), and before it those not published yet (a snapshot also
   * covers changes whose publication failed; the log keeps them until they are published).
   */
  async logAfter(spaceId: string, seq: number): Promise<LogEntry[]> {
    const published = (await this.published.findOne({ _id: spaceId, spaceId }))?.seq ?? 0;
    const docs = await this.log
      .find({ spaceId, seq: { $gt: Math.min(seq, published) } })
      .sort({ seq: 1 })
      .toArray();
    return docs.map((doc) => ({
      seq: doc.seq,
      ...unpack<{ changes: MembershipChange[]; events: PrismEvent[] }>(doc.batch),
      published: doc.seq <= published,
    }));
  }

  async marksBySpace(): Promise<Map<string, number>> {
    const marks = await this.marks.find({}).toArray();
    return new Map(marks.map((mark) => [mark.spaceId, mark.throughSeq]));
  }

  /** Spaces that have a log but no snapshot yet. */
  async spacesWithLog(): Promise<string[]> {
    return (await this.log.distinct('spaceId')) as string[];
  }

  /** Every snapshot bucket of every space. */
  async *allBuckets(): AsyncGenerator<BucketMembers & { spaceId: string }> {
    for await (const doc of this.buckets.find({})) {
      const bucket = Number(doc._id.slice(doc._id.lastIndexOf('|') + 1));
      yield { spaceId: doc.spaceId, audienceId: doc.audienceId, bucket, members: unpack(doc.members) };
    }
  }

  /**
   * Writes the buckets given, then the mark, then drops the log it covers. A crash between
   * leaves older log entries, which replay to the same members (changes apply in order).
   */
  async snapshot(spaceId: string, throughSeq: number, buckets: readonly BucketMembers[]): Promise<void> {
    if (buckets.length > 0)
      await this.buckets.bulkWrite(
        buckets.map(({ audienceId, bucket, members }) => {
          const _id = bucketId(audienceId, bucket);
          const replacement = { _id, spaceId, audienceId, members: pack(members) };
          return { replaceOne: { filter: { _id, spaceId }, replacement, upsert: true } };
        }),
        { ordered: false },
      );
    await this.marks.replaceOne({ _id: spaceId, spaceId }, { spaceId, throughSeq }, { upsert: true });
    const published = (await this.published.findOne({ _id: spaceId, spaceId }))?.seq ?? 0;
    await this.log.deleteMany({ spaceId, seq: { $lte: Math.min(throughSeq, published) } });
  }

  async dropAudience(spaceId: string, audienceId: string): Promise<void> {
    await this.buckets.deleteMany({ spaceId, audienceId });
  }
}

const logId = (spaceId: string, seq: number) => `${spaceId}|${String(seq).padStart(12, '0')}`;

export const bucketId = (audienceId: string, bucket: number) => `${audienceId}|${bucket}`;
