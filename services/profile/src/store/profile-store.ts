import { setImmediate } from 'node:timers/promises';
import { Aborted } from '@prism/errors';
import { idListsOf, isDuplicateKey } from '@prism/store';
import { type Collection, type Db, MongoBulkWriteError } from 'mongodb';
import type { BatchPlan } from '../domain/batch.js';
import type { Identifier } from '../domain/identity/index.js';
import { newProfileState, type ProfileEventRecord, type ProfileState } from '../domain/profile-state.js';
import {
  type EventChunkDocument,
  eventsOfChunk,
  type IdentifierDocument,
  identifierDocumentId,
  identifiersOfDocument,
  type ProfileDocument,
  profileVersionId,
  toChunkDocument,
  toProfileDocument,
} from './documents.js';

/** What a directory scan meets of each stored profile version (no body). */
export type StoredVersion = Omit<ProfileDocument, 'body' | 'identifiers'> & { identifiers: Identifier[] };

/** Windows of versions looked up by `_id` for a profile's unknown version before a scan (≈ 9,500 versions). */
const PROBE_WINDOWS = 20;

/** Stored versions a directory scan handles between turns of the event loop. */
const SCAN_YIELD_EVERY = 1_000;

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
 * ignores and removes. The versions also wait for the batch's outbox slot (see writeBatch).
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

  /**
   * Every stored profile version of the space, without bodies, handed to `visit` as the cursor
   * goes (a scan on FerretDB: the directory is built from it in the background). Versions a
   * newer one superseded, left by a crash between an insert and its deletion, are removed.
   */
  async scanSpace(spaceId: string, visit: (version: StoredVersion) => void): Promise<number> {
    const newest = new Map<string, number>();
    const superseded: string[] = [];
    let seen = 0;
    const cursor = this.profiles.find({ spaceId }, { projection: { body: 0 }, batchSize: 10_000 });
    for await (const doc of cursor) {
      // A batch of 10,000 handled in one go held the event loop ~500 ms: calls answered while
      // the directory loads waited that long.
      if (++seen % SCAN_YIELD_EVERY === 0) await setImmediate();
      const known = newest.get(doc.profileId);
      if (known !== undefined) superseded.push(profileVersionId(doc.profileId, Math.min(known, doc.version)));
      if (known === undefined || known < doc.version) newest.set(doc.profileId, doc.version);
      visit({ ...doc, identifiers: identifiersOfDocument(doc) });
    }
    await this.deleteVersions(spaceId, superseded);
    return seen;
  }

  /** The given versions, by `_id` (an index lookup, ≤ 500 per query). */
  async readVersions(spaceId: string, refs: { profileId: string; version: number }[]) {
    const ids = refs.map(({ profileId, version }) => profileVersionId(profileId, version));
    return [...(await this.profilesById(spaceId, ids)).values()];
  }

  /** Profile documents by `_id`, those that exist. */
  async profilesById(spaceId: string, ids: string[]): Promise<Map<string, ProfileDocument>> {
    const found = new Map<string, ProfileDocument>();
    for (const list of idListsOf(ids)) {
      for (const doc of await this.profiles.find({ _id: { $in: list }, spaceId }).toArray())
        found.set(doc._id, doc);
    }
    return found;
  }

  /**
   * The newest stored version of a profile at or after `from`, for a profile whose version this
   * process does not know (another writer moved it, or the directory is still loading). Only the
   * newest version is kept (and the one before it, just after a crash), so windows of versions
   * are looked up by `_id`, 8, then 64, then 500 at a time, until one holds a version and not its
   * last; a profile found in no window (never written, or moved further than the windows reach)
   * is looked for by a scan.
   */
  async newestFrom(spaceId: string, profileId: string, from = 1): Promise<ProfileDocument | undefined> {
    let newest: ProfileDocument | undefined;
    for (let window = 0, first = from, size = 8; window < PROBE_WINDOWS; window++) {
      const refs = Array.from({ length: size }, (_, i) => ({ profileId, version: first + i }));
      const found = await this.readVersions(spaceId, refs);
      for (const doc of found) if (!newest || doc.version > newest.version) newest = doc;
      if (newest && !found.some((doc) => doc.version === first + size - 1)) return newest;
      first += size;
      size = Math.min(500, size * 8);
    }
    const [scanned] = await this.profiles
      .find({ spaceId, profileId })
      .sort({ version: -1 })
      .limit(1)
      .toArray();
    return scanned ?? newest;
  }

  /** Who holds each identifier, by the claims (an index lookup each). */
  async claimsOf(spaceId: string, identifiers: readonly Identifier[]): Promise<Map<string, string>> {
    const ids = identifiers.map((identifier) => identifierDocumentId(spaceId, identifier));
    const owners = new Map<string, string>();
    for (const list of idListsOf(ids)) {
      for (const claim of await this.identifiers.find({ _id: { $in: list }, spaceId }).toArray())
        owners.set(claim._id.slice(spaceId.length + 1), claim.profileId);
    }
    return owners;
  }

  /**
   * `isHeld` tells which claims move an identifier that a profile of the space holds today. The
   * versions are inserted once `slotWritten` resolves: the outbox slot holding the batch's events
   * is written meanwhile, beside the chunks and claims (nothing reads those before the versions).
   */
  async writeBatch(
    spaceId: string,
    plan: BatchPlan,
    isHeld: (identifier: Identifier) => boolean,
    slotWritten: Promise<unknown> = Promise.resolve(),
  ): Promise<void> {
    await this.deleteChunks(spaceId, plan.expiredChunks);
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
    await slotWritten;
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

  private async deleteChunks(spaceId: string, ids: string[]): Promise<void> {
    for (const list of idListsOf(ids)) await this.chunks.deleteMany({ _id: { $in: list }, spaceId });
  }

  private async deleteVersions(spaceId: string, ids: string[]): Promise<void> {
    for (const list of idListsOf(ids)) await this.profiles.deleteMany({ _id: { $in: list }, spaceId });
  }

  /** Deletes a profile's history and identifiers and leaves a tombstone (deletes by `_id` only). */
  async deleteProfile(profile: ProfileState): Promise<{ events: number; identifiers: number }> {
    await this.deleteChunks(
      profile.spaceId,
      profile.eventChunks.map(({ id }) => id),
    );
    const sealed = profile.eventChunks.reduce((sum, { count }) => sum + count, 0);
    const events = sealed + profile.openEvents.length;
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
    const holder = await this.newestFrom(spaceId, existing.profileId);
    const key = doc._id.slice(spaceId.length + 1);
    const held = holder?.state === 'live' ? identifiersOfDocument(holder) : [];
    if (held.some((i) => `${i.type}:${i.value}` === key)) return true;
    const young = doc.claimedAt.getTime() - existing.claimedAt.getTime() < STALE_CLAIM_MS;
    if (!holder && young && existing.claimedBy !== this.writer) return true;
    await this.identifiers.replaceOne({ _id: doc._id, spaceId }, doc);
    return false;
  }
}

function tombstone(
  spaceId: string,
  id: string,
  state: 'merged' | 'deleted',
  version: number,
  mergedInto?: string,
): ProfileDocument {
  const at = Date.now();
  return {
    ...toProfileDocument({ ...newProfileState(id, spaceId, at), version }),
    state,
    ...(mergedInto && { mergedInto }),
  };
}
