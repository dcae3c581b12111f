import type { Collection, Db } from 'mongodb';

interface IngestMarkDocument {
  /** The space id. */
  _id: string;
  spaceId: string;
  /** Every ingest-stream message of the space up to this sequence is applied (or dead-lettered). */
  settledThrough: number;
}

/** How far each space's ingestion is settled, in ingest-stream sequences (see ReplayGuard). */
export class IngestMarks {
  private readonly marks: Collection<IngestMarkDocument>;

  constructor(db: Db) {
    this.marks = db.collection('ingest_marks');
  }

  async settledThrough(spaceId: string): Promise<number> {
    return (await this.marks.findOne({ _id: spaceId, spaceId }))?.settledThrough ?? 0;
  }

  /** Only ever raised: the caller writes one space's marks one after another. */
  async settle(spaceId: string, settledThrough: number): Promise<void> {
    await this.marks.replaceOne({ _id: spaceId, spaceId }, { spaceId, settledThrough }, { upsert: true });
  }
}
