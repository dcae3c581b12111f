import { AlreadyExists, NotFound } from '@prism/errors';
import { isDuplicateKey } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import type { ComputedTraitDefinition } from '../domain/computed/index.js';
import type { Identifier } from '../domain/identity/index.js';
import { identifierDocumentId } from './documents.js';

interface ComputedTraitDocument {
  _id: string;
  spaceId: string;
  definition: ComputedTraitDefinition;
  createdAt: Date;
  backfilledProfiles: number;
}

interface SuppressionDocument {
  _id: string;
  spaceId: string;
  identifier: Identifier;
  createdAt: Date;
}

export interface StoredComputedTrait {
  definition: ComputedTraitDefinition;
  createdAt: Date;
  backfilledProfiles: number;
}

/** Per-space settings of the pipeline: computed trait definitions and suppressed identifiers. */
export class SpaceSettingsStore {
  private readonly computedTraits: Collection<ComputedTraitDocument>;
  private readonly suppressions: Collection<SuppressionDocument>;

  constructor(db: Db) {
    this.computedTraits = db.collection('computed_traits');
    this.suppressions = db.collection('suppressions');
  }

  async computedTraitsOf(spaceId: string): Promise<StoredComputedTrait[]> {
    const docs = await this.computedTraits.find({ spaceId }).toArray();
    return docs
      .map(({ definition, createdAt, backfilledProfiles }) => ({ definition, createdAt, backfilledProfiles }))
      .sort((a, b) => a.definition.key.localeCompare(b.definition.key));
  }

  async addComputedTrait(spaceId: string, definition: ComputedTraitDefinition, backfilledProfiles: number) {
    const doc = {
      _id: `${spaceId}|${definition.key}`,
      spaceId,
      definition,
      createdAt: new Date(),
      backfilledProfiles,
    };
    try {
      await this.computedTraits.insertOne(doc);
    } catch (error) {
      if (isDuplicateKey(error)) throw new AlreadyExists('computed trait', definition.key);
      throw error;
    }
    return { definition, createdAt: doc.createdAt, backfilledProfiles };
  }

  async removeComputedTrait(spaceId: string, key: string): Promise<void> {
    const result = await this.computedTraits.deleteOne({ _id: `${spaceId}|${key}`, spaceId });
    if (result.deletedCount === 0) throw new NotFound('computed trait', key);
  }

  async suppressedOf(spaceId: string): Promise<Identifier[]> {
    return (await this.suppressions.find({ spaceId }).toArray()).map(({ identifier }) => identifier);
  }

  async suppress(spaceId: string, identifier: Identifier): Promise<void> {
    const doc = {
      _id: identifierDocumentId(spaceId, identifier),
      spaceId,
      identifier,
      createdAt: new Date(),
    };
    await this.suppressions.replaceOne({ _id: doc._id, spaceId }, doc, { upsert: true });
  }
}
