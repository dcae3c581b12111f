import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import type { PrismEvent } from '@prism/bus';
import { Binary, type Collection, type Db } from 'mongodb';

interface OutboxSlotDocument {
  _id: string;
  spaceId: string;
  writer: string;
  /** Orders a writer's slots: events are published slot after slot. */
  seq: number;
  /** Deflated JSON of SlotBody: one binary value is the cheapest thing FerretDB stores. */
  body: Binary;
}

interface SlotBody {
  events: PrismEvent[];
  /** Profile versions the events describe: an event is valid once its profile reached it. */
  expected: [profileId: string, version: number][];
}

export interface PendingSlot {
  id: string;
  events: PrismEvent[];
  expected: Map<string, number>;
}

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

/**
 * The outbox of batch writes. A batch changes many profiles, and a per-document outbox would cost
 * a second write per profile on a server without multi-document transactions. Instead each batch
 * inserts one slot with its events before it writes the profiles, and deletes it once they are
 * published. Slots are inserted and deleted, never updated (an update re-reads the document on
 * FerretDB), so a writer may write its next batch while the last one's events are published.
 * After a crash the pending slots are read in order: events whose profile reached the expected
 * version are published (the write landed), the others dropped (the redelivered messages will
 * produce them again).
 */
export class BatchOutbox {
  private readonly slots: Collection<OutboxSlotDocument>;
  private lastSeq = 0;

  constructor(
    db: Db,
    private readonly writer: string,
  ) {
    this.slots = db.collection('profile_outbox');
  }

  /** Stores a batch's events before its writes; the slot's id is handed to `published`. */
  async hold(
    spaceId: string,
    events: PrismEvent[],
    expected: { profileId: string; version: number }[],
  ): Promise<string> {
    // Microseconds of the clock, strictly increasing: a restarted writer's slots come after.
    this.lastSeq = Math.max(Date.now() * 1000, this.lastSeq + 1);
    const body: SlotBody = {
      events,
      expected: expected.map(({ profileId, version }) => [profileId, version]),
    };
    const doc = {
      _id: `${spaceId}|${this.writer}|${this.lastSeq}`,
      spaceId,
      writer: this.writer,
      seq: this.lastSeq,
      body: new Binary(await deflate(JSON.stringify(body))),
    };
    await this.slots.insertOne(doc);
    return doc._id;
  }

  async published(spaceId: string, slotId: string): Promise<void> {
    await this.slots.deleteOne({ _id: slotId, spaceId });
  }

  /** This writer's slots not yet published, oldest first (a scan of a collection kept near empty). */
  async pending(spaceId: string): Promise<PendingSlot[]> {
    const docs = await this.slots.find({ spaceId, writer: this.writer }).toArray();
    docs.sort((a, b) => a.seq - b.seq);
    return Promise.all(
      docs.map(async (doc) => {
        const body = JSON.parse((await inflate(doc.body.buffer)).toString('utf8')) as SlotBody;
        return { id: doc._id, events: body.events, expected: new Map(body.expected) };
      }),
    );
  }
}
