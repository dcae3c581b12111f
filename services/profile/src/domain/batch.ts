import type { ComputedTraitDefinition } from './computed/index.js';
import { type EventChunk, settleHistory } from './history.js';
import {
  type Identifier,
  type IdentifierClaim,
  IdentityGraph,
  type IdentityRules,
  identifiersOf,
  type KnownIdentifiers,
  normalizeIdentifier,
} from './identity/index.js';
import {
  absorbProfiles,
  accumulateComputed,
  applyCustomTraits,
  hasApplied,
  newProfileState,
  type ProfileEventRecord,
  type ProfileState,
  publishComputedChanges,
  rememberMessage,
  traitValues,
} from './profile-state.js';
import type { TrackingMessage } from './tracking-message.js';

/** What a batch needs to know about its space, read from the space's in-memory state. */
export interface SpaceView extends KnownIdentifiers {
  spaceId: string;
  /** A copy the batch may change. */
  profile(profileId: string): ProfileState | undefined;
  rules: IdentityRules;
  definitions: readonly ComputedTraitDefinition[];
  isSuppressed(identifier: Identifier): boolean;
  /** Days of raw events kept per profile (0 = all). */
  historyRetentionDays: number;
}

export type ProfileChange =
  | { kind: 'profile.created'; profileId: string; identifiers: Identifier[] }
  | { kind: 'profile.identified'; profileId: string; identifiers: Identifier[]; version: number }
  | { kind: 'profile.merged'; survivor: string; merged: string[]; version: number }
  | {
      kind: 'profile.traits_changed';
      profileId: string;
      changedKeys: string[];
      traits: Record<string, unknown>;
      version: number;
    };

/** Everything one batch changes, for the store to write and the bus to publish. */
export interface BatchPlan {
  /** Live profiles the store has not seen yet. */
  inserted: ProfileState[];
  /** Stored profiles that changed, with the version they were read at. */
  replaced: { profile: ProfileState; expectedVersion: number }[];
  /** Stored profiles merged away. */
  mergedAway: { profileId: string; mergedInto: string; expectedVersion: number }[];
  claims: IdentifierClaim[];
  /** History chunks sealed by this batch, and those retention expired. */
  chunks: EventChunk[];
  expiredChunks: string[];
  changes: ProfileChange[];
  applied: number;
  /** Already applied (a redelivered batch). */
  repeated: number;
  /** Carrying a suppressed identifier, or no usable identifier at all. */
  dropped: number;
}

export interface BatchIds {
  profile: () => string;
  chunk: () => string;
}

/**
 * Resolves a batch of one space's messages against its identity graph and applies them to the
 * profiles they belong to, in order. Pure: the caller persists the plan and then commits it to
 * the space's in-memory state.
 */
export function planBatch(
  space: SpaceView,
  messages: readonly TrackingMessage[],
  now: Date,
  ids: BatchIds,
): BatchPlan {
  const identified = messages.map((message) => ({ message, identifiers: identifiersOf(message, space) }));
  const slice = new Set(
    identified.flatMap(({ identifiers }) => identifiers.flatMap((i) => space.profileOf(i) ?? [])),
  );
  const loaded = new Map(
    [...slice].flatMap((id) => {
      const profile = space.profile(id);
      return profile ? [[id, profile] as const] : [];
    }),
  );
  const graph = new IdentityGraph(
    { newProfileId: ids.profile, now: () => now.getTime() },
    [...loaded.values()].map(({ id, identifiers, mergeCount, createdAt }) => ({
      id,
      identifiers,
      mergeCount,
      createdAt,
    })),
  );
  // `loaded` holds copies the batch changes in place; the versions they were read at are kept apart.
  const working = new Map(loaded);
  const readVersions = new Map([...loaded].map(([id, profile]) => [id, profile.version]));
  const readIdentifierCounts = new Map([...loaded].map(([id, profile]) => [id, profile.identifiers.length]));
  const pending = new Map<string, ProfileEventRecord[]>();
  const customChanged = new Map<string, Set<string>>();
  const changes: ProfileChange[] = [];
  const plan = { applied: 0, repeated: 0, dropped: 0 };

  for (const { message, identifiers } of identified) {
    if (identifiers.some((identifier) => isSuppressed(space, identifier))) {
      plan.dropped++;
      continue;
    }
    const resolution = graph.resolve(identifiers, space.rules);
    if (resolution.kind === 'unidentified') {
      plan.dropped++;
      continue;
    }
    const { profileId } = resolution;
    if (resolution.kind === 'created') {
      working.set(
        profileId,
        newProfileState(profileId, space.spaceId, graph.profile(profileId)?.createdAt ?? now.getTime()),
      );
      changes.push({ kind: 'profile.created', profileId, identifiers: resolution.identifiers });
    }
    const profile = working.get(profileId) as ProfileState;
    if (resolution.kind === 'merged') {
      const absorbed = resolution.merged.map((id) => working.get(id) as ProfileState);
      const keys = absorbProfiles(profile, absorbed, space.definitions, now);
      for (const id of resolution.merged) {
        working.delete(id);
        moveInto(pending, id, profileId);
        moveInto(customChanged, id, profileId);
      }
      addAll(customChanged, profileId, keys);
      changes.push({ kind: 'profile.merged', survivor: profileId, merged: resolution.merged, version: 0 });
    }
    const record = graph.profile(profileId);
    if (record) Object.assign(profile, { identifiers: record.identifiers, mergeCount: record.mergeCount });
    if (hasApplied(profile, message.messageId)) {
      plan.repeated++;
      continue;
    }
    addAll(customChanged, profileId, applyCustomTraits(profile, message));
    accumulateComputed(profile, message, space.definitions, now);
    rememberMessage(profile, message.messageId);
    append(pending, profileId, eventRecordOf(message));
    plan.applied++;
  }

  const graphChanges = graph.changes();
  const touched = new Set([...graphChanges.created, ...graphChanges.updated].map(({ id }) => id));
  for (const id of [...pending.keys(), ...customChanged.keys()]) if (working.has(id)) touched.add(id);

  const chunks: EventChunk[] = [];
  const expiredChunks: string[] = [];
  for (const id of touched) {
    const profile = working.get(id) as ProfileState;
    profile.openEvents.push(...(pending.get(id) ?? []));
    const { sealed, expired } = settleHistory(profile, now, space.historyRetentionDays, ids.chunk);
    if (sealed) chunks.push(sealed);
    expiredChunks.push(...expired);
    profile.version += 1;
    profile.updatedAt = now.getTime();
    const keys = [
      ...(customChanged.get(id) ?? []),
      ...publishComputedChanges(profile, space.definitions, now),
    ];
    if (keys.length > 0) changes.push(traitsChanged(profile, keys));
  }
  // Identifiers only ever join a profile: a longer list means some were linked.
  for (const { id } of graphChanges.updated) {
    const profile = working.get(id);
    if (profile && profile.identifiers.length !== readIdentifierCounts.get(id))
      changes.push({
        kind: 'profile.identified',
        profileId: id,
        identifiers: profile.identifiers,
        version: profile.version,
      });
  }
  for (const change of changes) {
    if (change.kind === 'profile.merged')
      change.version = (working.get(change.survivor) as ProfileState).version;
    // Created here: announced with every identifier the batch linked (no profile.identified follows).
    const created = change.kind === 'profile.created' && working.get(change.profileId);
    if (change.kind === 'profile.created' && created) change.identifiers = created.identifiers;
  }

  return {
    inserted: [...touched].filter((id) => !loaded.has(id)).map((id) => working.get(id) as ProfileState),
    replaced: [...touched]
      .filter((id) => loaded.has(id))
      .map((id) => ({
        profile: working.get(id) as ProfileState,
        expectedVersion: readVersions.get(id) as number,
      })),
    mergedAway: graphChanges.removed.map(({ profileId, mergedInto }) => ({
      profileId,
      mergedInto,
      expectedVersion: readVersions.get(profileId) as number,
    })),
    claims: graphChanges.claims,
    chunks,
    expiredChunks,
    // A profile created and merged away within the batch was never seen by anyone: no events.
    changes: changes.filter((change) => change.kind !== 'profile.created' || working.has(change.profileId)),
    ...plan,
  };
}

function isSuppressed(space: SpaceView, identifier: Identifier): boolean {
  const normalized = normalizeIdentifier(identifier.type, identifier.value);
  return normalized !== undefined && space.isSuppressed(normalized);
}

/** One `profile.traits_changed` with the new values of the changed keys (custom or computed). */
export function traitsChanged(profile: ProfileState, keys: string[]): ProfileChange {
  const changedKeys = [...new Set(keys)].sort();
  const { traits, computed } = traitValues(profile);
  const values: Record<string, unknown> = {};
  for (const key of changedKeys) {
    const value = key in profile.computedValues ? computed[key] : traits[key];
    if (value !== undefined) values[key] = value;
  }
  return {
    kind: 'profile.traits_changed',
    profileId: profile.id,
    changedKeys,
    traits: values,
    version: profile.version,
  };
}

function eventRecordOf(message: TrackingMessage): ProfileEventRecord {
  return {
    messageId: message.messageId,
    type: message.type,
    ...((message.event ?? message.name) !== undefined && { name: message.event ?? message.name }),
    properties: message.type === 'identify' ? message.traits : message.properties,
    timestamp: message.timestamp.getTime(),
    receivedAt: message.receivedAt.getTime(),
  };
}

function append<T>(map: Map<string, T[]>, key: string, value: T) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function addAll(map: Map<string, Set<string>>, key: string, values: Iterable<string>) {
  const set = map.get(key) ?? new Set<string>();
  for (const value of values) set.add(value);
  map.set(key, set);
}

/** Hands what was gathered for a profile merged away to its survivor. */
function moveInto<T>(map: Map<string, T[]> | Map<string, Set<T>>, from: string, to: string) {
  const moved = map.get(from);
  if (!moved) return;
  map.delete(from);
  const target = map.get(to);
  if (target instanceof Set) for (const value of moved) target.add(value);
  else if (Array.isArray(target)) target.push(...moved);
  else (map as Map<string, typeof moved>).set(to, moved);
}
