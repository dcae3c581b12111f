import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { Binary } from 'mongodb';
import type { ComputedTraitState } from '../domain/computed/index.js';
import type { Identifier } from '../domain/identity/index.js';
import type { ProfileEventRecord, ProfileState, StoredChunk } from '../domain/profile-state.js';

/**
 * Stored shapes. FerretDB 1.x pushes only `_id` conditions down to its SQL backend, so every read
 * on a hot path is by `_id`, and writes are inserts (one statement for a whole batch) rather than
 * updates (one statement and transaction each). Values whose keys come from senders (traits, event
 * properties) are stored as JSON text: a key with a dot or a leading `$` is legal in a Segment
 * message but not in every MongoDB-wire server.
 */

/**
 * One version of a profile, `_id` = `<profile id>#<version>`: a write inserts the next version
 * (a unique insert, so two writers cannot both make version n+1) and then deletes the previous.
 * Only what the directory needs is a field of its own; the rest is one JSON text (`body`):
 * FerretDB stores and returns a few top-level strings several times faster than nested arrays
 * of documents, and a directory scan projects the body away.
 */
export interface ProfileDocument {
  _id: string;
  profileId: string;
  spaceId: string;
  state: 'live' | 'merged' | 'deleted';
  mergedInto?: string;
  /** JSON of the identifiers as `[type, value]` pairs. */
  identifiers: string;
  version: number;
  /** JSON of ProfileBody. */
  body: string;
}

/** What a profile document holds besides the directory's fields. */
interface ProfileBody {
  mergeCount: number;
  createdAt: number;
  updatedAt: number;
  traits: [key: string, value: unknown, at: number][];
  computed: Record<string, ComputedTraitState>;
  computedValues: Record<string, unknown>;
  mergedProfileIds: string[];
  eventChunks: StoredChunk[];
  openEvents: ProfileEventRecord[];
  recentMessages: number[];
}

/** Who holds an identifier; `_id` = `<space>|<type>:<value>`, so a claim is a unique insert. */
export interface IdentifierDocument {
  _id: string;
  spaceId: string;
  profileId: string;
  claimedAt: Date;
  claimedBy: string;
}

/**
 * Part of a profile's event history, written once (insert only): the events' JSON deflated, as
 * ingestion writes little else and FerretDB stores about 20-30 MB/s.
 */
export interface EventChunkDocument {
  _id: string;
  spaceId: string;
  profileId: string;
  events: Binary;
  count: number;
  /** Chunks written before compression hold the JSON text here instead. */
  eventsJson?: string;
}

const deflate = promisify(deflateRaw);
const inflate = promisify(inflateRaw);

export function identifierDocumentId(spaceId: string, identifier: Identifier): string {
  return `${spaceId}|${identifier.type}:${identifier.value}`;
}

export function profileVersionId(profileId: string, version: number): string {
  return `${profileId}#${version}`;
}

export function toProfileDocument(profile: ProfileState): ProfileDocument {
  const body: ProfileBody = {
    mergeCount: profile.mergeCount,
    createdAt: profile.createdAt,
    updatedAt: profile.updatedAt,
    traits: Object.values(profile.traits).map(({ key, value, at }) => [key, value, at]),
    computed: Object.fromEntries(
      Object.entries(profile.computed).flatMap(([key, state]) => (state ? [[key, state]] : [])),
    ),
    computedValues: profile.computedValues,
    mergedProfileIds: profile.mergedProfileIds,
    eventChunks: profile.eventChunks,
    openEvents: profile.openEvents,
    recentMessages: profile.recentMessages,
  };
  return {
    _id: profileVersionId(profile.id, profile.version),
    profileId: profile.id,
    spaceId: profile.spaceId,
    state: 'live',
    identifiers: identifiersJson(profile.identifiers),
    version: profile.version,
    body: JSON.stringify(body),
  };
}

export function fromProfileDocument(doc: ProfileDocument): ProfileState {
  const body = JSON.parse(doc.body) as ProfileBody;
  return {
    id: doc.profileId,
    spaceId: doc.spaceId,
    identifiers: identifiersOfDocument(doc),
    mergeCount: body.mergeCount,
    createdAt: body.createdAt,
    traits: Object.fromEntries(body.traits.map(([key, value, at]) => [key, { key, value, at }])),
    computed: body.computed,
    computedValues: body.computedValues,
    mergedProfileIds: body.mergedProfileIds,
    eventChunks: body.eventChunks,
    openEvents: body.openEvents,
    recentMessages: body.recentMessages,
    version: doc.version,
    updatedAt: body.updatedAt,
  };
}

function identifiersJson(identifiers: readonly Identifier[]): string {
  return JSON.stringify(identifiers.map(({ type, value }) => [type, value]));
}

export function identifiersOfDocument(doc: Pick<ProfileDocument, 'identifiers'>): Identifier[] {
  return (JSON.parse(doc.identifiers) as [string, string][]).map(([type, value]) => ({ type, value }));
}

/** Deflates on libuv's thread pool, off the event loop. */
export async function toChunkDocument(
  spaceId: string,
  chunk: { id: string; profileId: string; events: ProfileEventRecord[] },
): Promise<EventChunkDocument> {
  return {
    _id: chunk.id,
    spaceId,
    profileId: chunk.profileId,
    events: new Binary(await deflate(JSON.stringify(chunk.events))),
    count: chunk.events.length,
  };
}

export async function eventsOfChunk(doc: EventChunkDocument): Promise<ProfileEventRecord[]> {
  const json = doc.eventsJson ?? (await inflate(doc.events.buffer)).toString('utf8');
  return JSON.parse(json) as ProfileEventRecord[];
}
