import { promisify } from 'node:util';
import { deflateRaw, inflateRaw } from 'node:zlib';
import { Binary } from 'mongodb';
import type { ComputedTraitState } from '../domain/computed/index.js';
import type { Identifier } from '../domain/identity/index.js';
import type { ProfileEventRecord, ProfileState } from '../domain/profile-state.js';

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
 */
export interface ProfileDocument {
  _id: string;
  profileId: string;
  spaceId: string;
  state: 'live' | 'merged' | 'deleted';
  mergedInto?: string;
  identifiers: Identifier[];
  mergeCount: number;
  traits: { key: string; json: string; at: number }[];
  computed: { key: string; state: ComputedTraitState }[];
  computedValuesJson: string;
  mergedProfileIds: string[];
  eventChunks: string[];
  recentMessageIds: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
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
  return {
    _id: profileVersionId(profile.id, profile.version),
    profileId: profile.id,
    spaceId: profile.spaceId,
    state: 'live',
    identifiers: profile.identifiers,
    mergeCount: profile.mergeCount,
    traits: Object.values(profile.traits).map(({ key, value, at }) => ({
      key,
      json: JSON.stringify(value),
      at,
    })),
    computed: Object.entries(profile.computed).flatMap(([key, state]) => (state ? [{ key, state }] : [])),
    computedValuesJson: JSON.stringify(profile.computedValues),
    mergedProfileIds: profile.mergedProfileIds,
    eventChunks: profile.eventChunks,
    recentMessageIds: profile.recentMessageIds,
    version: profile.version,
    createdAt: new Date(profile.createdAt),
    updatedAt: new Date(profile.updatedAt),
  };
}

export function fromProfileDocument(doc: ProfileDocument): ProfileState {
  return {
    id: doc.profileId,
    spaceId: doc.spaceId,
    identifiers: doc.identifiers,
    mergeCount: doc.mergeCount,
    createdAt: doc.createdAt.getTime(),
    traits: Object.fromEntries(
      doc.traits.map(({ key, json, at }) => [key, { key, value: JSON.parse(json), at }]),
    ),
    computed: Object.fromEntries(doc.computed.map(({ key, state }) => [key, state])),
    computedValues: JSON.parse(doc.computedValuesJson),
    mergedProfileIds: doc.mergedProfileIds,
    eventChunks: doc.eventChunks,
    recentMessageIds: doc.recentMessageIds,
    version: doc.version,
    updatedAt: doc.updatedAt.getTime(),
  };
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
