import { Aborted } from '@prism/errors';
import { idListsOf, isDuplicateKey } from '@prism/store';
import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import type { BatchPlan } from '../domain/batch.js';
import type { Identifier } from '../domain/identity/index.js';
import type { ProfileEventRecord, ProfileState } from '../domain/profile-state.js';
import {
  type EventChunkDocument,
  eventsOfChunk,
  fromProfileDocument,
  type IdentifierDocument,
  identifierDocumentId,
  type ProfileDocument,
  profileVersionId,
  toChunkDocument,
  toProfileDocument,
} from './documents.js';

/** What is stored of a space's profiles, as the in-memory state is rebuilt from it. */
export interface StoredSpace {
  profiles: ProfileState[];
  /** Profile ids merged away → the profile they went into. */
  mergedInto: Map<string, string>;
}

/** A claim this old whose profile was never written is left over from a failed batch. */
const STALE_CLAIM_MS = 60_000;

/** Raised when another writer changed what a batch read: the batch is retried on fresh state. */
export class WriteConflict extends Aborted {}

/**
 * The profile service's MongoDB: profiles, identifier claims and event chunks. Writes follow the
 * order that keeps a crash harmless: history chunks (unreferenced until the profile points at
 * them), identifier claims (unique inserts: the race between two writers is decided here), the
 * profiles' next versions (unique inserts: version n+1 exists once), then the deletion of the
 * versions they replace. A crash before that deletion leaves old versions that the next load
 * ignores and removes.
 */
export class ProfileStore {
  readonly profiles: Collection<ProfileDocument>;
  readonly identifiers: Collection<IdentifierDocument>;
  readonly chunks: Collection<EventChunkDocument>;

  /** `writer` names this writer in its identifier claims (see settleClaim). */
  constructor(
    db: Db,
    private readonly writer: string,
  ) {
    this.profiles = db.collection('profiles');
    this.identifiers = db.collection('identifiers');
    this.chunks = db.collection('event_chunks');
  }

  async ensureIndexes(): Promise<void> {
    await this.profiles.createIndex({ spaceId: 1, _id: 1 });
  }

  /** The whole space: read once when the service first works on it (a scan on FerretDB). */
  async loadSpace(spaceId: string): Promise<StoredSpace> {
    const newest = new Map<string, ProfileDocument>();
    const superseded: string[] = [];
    for await (const doc of this.profiles.find({ spaceId })) {
      const profileId = doc.profileId ?? doc._id; // documents written before versions had their own id
      const known = newest.get(profileId);
      if (known && known.version >= doc.version) superseded.push(doc._id);
      else {
        if (known) superseded.push(known._id);
        newest.set(profileId, { ...doc, profileId });
      }
    }
    await this.deleteVersions(spaceId, superseded);
    const profiles: ProfileState[] = [];
    const mergedInto = new Map<string, string>();
    for (const doc of newest.values()) {
      if (doc.state === 'live') profiles.push(fromProfileDocument(doc));
      else if (doc.state === 'merged' && doc.mergedInto) mergedInto.set(doc.profileId, doc.mergedInto);
    }
    return { profiles, mergedInto };
  }

  /** `owners` tells which claims move an identifier that a profile of the space holds today. */
  async writeBatch(
    spaceId: string,
    plan: BatchPlan,
    isHeld: (identifier: Identifier) => boolean,
  ): Promise<void> {
    if (plan.chunks.length > 0) {
      await this.chunks.insertMany(
        await Promise.all(plan.chunks.map((chunk) => toChunkDocument(spaceId, chunk))),
        { ordered: false },
      );
    }
    const claimedAt = new Date();
    const claims = plan.claims.map(({ identifier, profileId }) => ({
      _id: identifierDocumentId(spaceId, identifier),
      spaceId,
      profileId,
      claimedAt,
      claimedBy: this.writer,
      held: isHeld(identifier),
    }));
    await this.claimNew(
      spaceId,
      claims.filter((claim) => !claim.held).map(({ held: _, ...doc }) => doc),
    );
    await Promise.all(
      claims
        .filter((claim) => claim.held)
        .map(({ held: _, ...doc }) => this.identifiers.replaceOne({ _id: doc._id }, doc)),
    );
    await this.writeVersions(spaceId, [
      ...plan.inserted.map((profile) => ({ doc: toProfileDocument(profile) })),
      ...plan.replaced.map(({ profile, expectedVersion }) => ({
        doc: toProfileDocument(profile),
        replaces: expectedVersion,
      })),
      ...plan.mergedAway.map(({ profileId, mergedInto, expectedVersion }) => ({
        doc: tombstone(spaceId, profileId, 'merged', expectedVersion + 1, mergedInto),
        replaces: expectedVersion,
      })),
    ]);
  }

  /**
   * Inserts each profile's next version in one statement, then deletes the versions they
   * replace. A version already taken means another writer got there first: WriteConflict.
   */
  async writeVersions(spaceId: string, versions: { doc: ProfileDocument; replaces?: number }[]) {
    if (versions.length === 0) return;
    try {
      await this.profiles.insertMany(
        versions.map(({ doc }) => doc),
        { ordered: false },
      );
    } catch (error) {
      if (isDuplicateKey(error) || error instanceof MongoBulkWriteError)
        throw new WriteConflict('a profile changed since it was read');
      throw error;
    }
    await this.deleteVersions(
      spaceId,
      versions.flatMap(({ doc, replaces }) =>
        replaces === undefined ? [] : [profileVersionId(doc.profileId, replaces)],
      ),
    );
  }

  private async deleteVersions(spaceId: string, ids: string[]): Promise<void> {
    for (const list of idListsOf(ids)) await this.profiles.deleteMany({ _id: { $in: list }, spaceId });
  }

  /** Deletes a profile's history and identifiers and leaves a tombstone (deletes by `_id` only). */
  async deleteProfile(profile: ProfileState): Promise<{ events: number; identifiers: number }> {
    let events = 0;
    for (const id of profile.eventChunks) {
      const chunk = await this.chunks.findOneAndDelete({ _id: id, spaceId: profile.spaceId });
      events += chunk?.count ?? 0;
    }
    await Promise.all(
      profile.identifiers.map((identifier) =>
        this.identifiers.deleteOne({
          _id: identifierDocumentId(profile.spaceId, identifier),
          spaceId: profile.spaceId,
        }),
      ),
    );
    await this.writeVersions(profile.spaceId, [
      {
        doc: tombstone(profile.spaceId, profile.id, 'deleted', profile.version + 1),
        replaces: profile.version,
      },
    ]);
    return { events, identifiers: profile.identifiers.length };
  }

  async readChunk(spaceId: string, chunkId: string): Promise<ProfileEventRecord[]> {
    const chunk = await this.chunks.findOne({ _id: chunkId, spaceId });
    return chunk ? eventsOfChunk(chunk) : [];
  }

  private async claimNew(spaceId: string, docs: IdentifierDocument[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await this.identifiers.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError) && !isDuplicateKey(error)) throw error;
      const contested = await Promise.all(docs.map((doc) => this.settleClaim(spaceId, doc)));
      // Someone else holds one of them now: this batch's view of the graph is stale.
      if (contested.some(Boolean)) throw new WriteConflict('an identifier was claimed by another writer');
    }
  }

  /**
   * True when another profile holds the identifier, or may be about to: a claim is made before its
   * profile is written, so another writer's young claim is respected. One whose profile never got
   * written is stale and taken over when it is ours (our batches run one at a time, so it is left
   * from one that failed) or older than any batch takes.
   */
  private async settleClaim(spaceId: string, doc: IdentifierDocument): Promise<boolean> {
    const existing = await this.identifiers.findOne({ _id: doc._id, spaceId });
    if (!existing)
      return await this.identifiers.insertOne(doc).then(
        () => false,
        () => true,
      );
    if (existing.profileId === doc.profileId) return false;
    const holder = await this.newestVersion(spaceId, existing.profileId);
    const key = doc._id.slice(spaceId.length + 1);
    if (holder?.state === 'live' && holder.identifiers.some((i) => `${i.type}:${i.value}` === key))
      return true;
    const young = doc.claimedAt.getTime() - existing.claimedAt.getTime() < STALE_CLAIM_MS;
    if (!holder && young && existing.claimedBy !== this.writer) return true;
    await this.identifiers.replaceOne({ _id: doc._id, spaceId }, doc);
    return false;
  }

  /** A scan on FerretDB (only `_id` is looked up by index): for the rare contested claim only. */
  private async newestVersion(spaceId: string, profileId: string): Promise<ProfileDocument | undefined> {
    const [newest] = await this.profiles
      .find({ spaceId, profileId })
      .sort({ version: -1 })
      .limit(1)
      .toArray();
    // A document written before versions has the profile's id as its own.
    return newest ?? (await this.profiles.findOne({ _id: profileId, spaceId })) ?? undefined;
  }
}

function tombstone(
  spaceId: string,
  id: string,
  state: 'merged' | 'deleted',
  version: number,
  mergedInto?: string,
): ProfileDocument {
  const at = new Date();
  return {
    _id: profileVersionId(id, version),
    profileId: id,
    spaceId,
    state,
    ...(mergedInto && { mergedInto }),
    identifiers: [],
    mergeCount: 0,
    traits: [],
    computed: [],
    computedValuesJson: '{}',
    mergedProfileIds: [],
    eventChunks: [],
    recentMessageIds: [],
    version,
    createdAt: at,
    updatedAt: at,
  };
}
