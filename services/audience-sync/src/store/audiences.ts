import { Aborted, AlreadyExists, NotFound } from '@prism/errors';
import { isDuplicateKey } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import type { ComputeStatus } from '../domain/audience.js';
import type { AudienceDocument } from './documents.js';

/** Audience definitions; every query names the space. */
export class AudienceStore {
  private readonly audiences: Collection<AudienceDocument>;

  constructor(db: Db) {
    this.audiences = db.collection<AudienceDocument>('audiences');
  }

  async ensureIndexes(): Promise<void> {
    await this.audiences.createIndex({ spaceId: 1, key: 1 }, { unique: true });
  }

  /** Every audience of every space: the live state is loaded from them at start. */
  all(): Promise<AudienceDocument[]> {
    return this.audiences.find({}).toArray();
  }

  /** The stored definition of a key, or undefined. */
  async byKey(spaceId: string, key: string): Promise<AudienceDocument | undefined> {
    return (await this.audiences.findOne({ spaceId, key })) ?? undefined;
  }

  async insert(doc: AudienceDocument): Promise<void> {
    try {
      await this.audiences.insertOne(doc);
    } catch (error) {
      if (isDuplicateKey(error)) throw new AlreadyExists('audience', doc.key);
      throw error;
    }
  }

  /** Replaces a definition at the version it was read at. */
  async replace(doc: AudienceDocument, expectedVersion: number): Promise<void> {
    const { matchedCount } = await this.audiences.replaceOne(
      { _id: doc._id, spaceId: doc.spaceId, version: expectedVersion },
      doc,
    );
    if (matchedCount === 0) throw new Aborted(`audience ${doc.key} changed meanwhile; read it again`);
  }

  async setStatus(spaceId: string, id: string, status: ComputeStatus, size: number): Promise<void> {
    await this.audiences.updateOne({ _id: id, spaceId }, { $set: { status, size } });
  }

  async setSize(spaceId: string, id: string, size: number): Promise<void> {
    await this.audiences.updateOne({ _id: id, spaceId }, { $set: { size } });
  }

  async remove(spaceId: string, id: string): Promise<void> {
    const { deletedCount } = await this.audiences.deleteOne({ _id: id, spaceId });
    if (deletedCount === 0) throw new NotFound('audience', id);
  }
}
