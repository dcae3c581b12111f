import { digest53 } from '../directory/hash.js';
import {
  accumulate,
  type ComputedTraitDefinition,
  type ComputedTraitState,
  changedValues,
  mergeStates,
} from './computed/index.js';
import type { Identifier, TrackingMessage } from './tracking-message.js';

/** A custom trait with the event time that set it: the newest event time wins, not arrival order. */
export interface CustomTrait {
  key: string;
  value: unknown;
  /** Event time (epoch ms) of the message that set it. */
  at: number;
}

/** A stored event of a profile's history. */
export interface ProfileEventRecord {
  messageId: string;
  type: TrackingMessage['type'];
  name?: string;
  properties: Record<string, unknown>;
  timestamp: number;
  receivedAt: number;
}

/** A sealed part of a profile's history, stored as a document of its own. */
export interface StoredChunk {
  id: string;
  count: number;
  /** When its newest event was received (epoch ms): retention drops the chunk after that. */
  newest: number;
}

/** A live profile as the pipeline works on it (the store maps it to its document). */
export interface ProfileState {
  id: string;
  spaceId: string;
  identifiers: Identifier[];
  mergeCount: number;
  createdAt: number;
  traits: Record<string, CustomTrait>;
  computed: Record<string, ComputedTraitState | undefined>;
  /** Computed values as last published in `profile.traits_changed`. */
  computedValues: Record<string, unknown>;
  mergedProfileIds: string[];
  /** The sealed chunks of the profile's event history, oldest first. */
  eventChunks: StoredChunk[];
  /**
   * The newest events, kept in the profile's own document until there are SEAL_AT of them: a
   * profile's first events cost no document of their own, and chunks hold many events each.
   */
  openEvents: ProfileEventRecord[];
  /**
   * Digests (digest53) of the message ids applied most recently: a batch redelivered after a
   * crash between the profile write and the ack is recognised and not counted twice. Numbers,
   * not the ids: 8 bytes each in memory and a few in the document.
   */
  recentMessages: number[];
  version: number;
  updatedAt: number;
}

export const RECENT_MESSAGE_IDS = 500;
/** Open events that make a chunk: its history is sealed into a chunk document at this size. */
export const SEAL_AT = 32;

export function newProfileState(id: string, spaceId: string, createdAt: number): ProfileState {
  return {
    id,
    spaceId,
    identifiers: [],
    mergeCount: 0,
    createdAt,
    traits: {},
    computed: {},
    computedValues: {},
    mergedProfileIds: [],
    eventChunks: [],
    openEvents: [],
    recentMessages: [],
    version: 0,
    updatedAt: createdAt,
  };
}

/** Custom traits of a message become the profile's when they are newer than what it holds. */
export function applyCustomTraits(profile: ProfileState, message: TrackingMessage): string[] {
  const at = message.timestamp.getTime();
  const changed: string[] = [];
  for (const [key, value] of Object.entries(message.traits)) {
    if (value === undefined) continue;
    const held = profile.traits[key];
    // Ties go to the later arrival, as Segment does.
    if (held && held.at > at) continue;
    if (!held || JSON.stringify(held.value) !== JSON.stringify(value)) changed.push(key);
    profile.traits[key] = { key, value, at };
  }
  return changed;
}

export function hasApplied(profile: ProfileState, messageId: string): boolean {
  return profile.recentMessages.includes(digest53(messageId));
}

export function rememberMessage(profile: ProfileState, messageId: string): void {
  rememberDigest(profile, digest53(messageId));
}

function rememberDigest(profile: ProfileState, digest: number): void {
  profile.recentMessages.push(digest);
  if (profile.recentMessages.length > RECENT_MESSAGE_IDS) profile.recentMessages.shift();
}

export function accumulateComputed(
  profile: ProfileState,
  message: TrackingMessage,
  definitions: readonly ComputedTraitDefinition[],
  now: Date,
): void {
  const event = {
    name: message.event ?? message.name,
    type: message.type,
    properties: message.properties,
    timestamp: message.timestamp,
  };
  for (const definition of definitions) {
    profile.computed[definition.key] = accumulate(profile.computed[definition.key], definition, event, now);
  }
}

/**
 * Folds merged profiles into the survivor, as if it had seen their messages too: custom traits by
 * event time, computed states combined, histories and merge lineage kept.
 */
export function absorbProfiles(
  survivor: ProfileState,
  merged: readonly ProfileState[],
  definitions: readonly ComputedTraitDefinition[],
  now: Date,
): string[] {
  const changed = new Set<string>();
  for (const other of merged) {
    for (const trait of Object.values(other.traits)) {
      const held = survivor.traits[trait.key];
      if (held && held.at >= trait.at) continue;
      if (!held || JSON.stringify(held.value) !== JSON.stringify(trait.value)) changed.add(trait.key);
      survivor.traits[trait.key] = trait;
    }
    for (const definition of definitions) {
      const { key } = definition;
      survivor.computed[key] = mergeStates(survivor.computed[key], other.computed[key], definition, now);
    }
    survivor.mergedProfileIds.push(other.id, ...other.mergedProfileIds);
    survivor.eventChunks.push(...other.eventChunks);
    survivor.openEvents.push(...other.openEvents);
    for (const digest of other.recentMessages) rememberDigest(survivor, digest);
  }
  return [...changed];
}

/** Computed traits whose value differs from the one last published; records the new values. */
export function publishComputedChanges(
  profile: ProfileState,
  definitions: readonly ComputedTraitDefinition[],
  now: Date,
): string[] {
  const changes = changedValues(profile.computedValues, profile.computed, definitions, now);
  for (const { key, value } of changes) {
    if (value === undefined) delete profile.computedValues[key];
    else profile.computedValues[key] = value;
  }
  return changes.map(({ key }) => key);
}

/** Custom and computed trait values of a profile, as the API and events show them. */
export function traitValues(profile: ProfileState): {
  traits: Record<string, unknown>;
  computed: Record<string, unknown>;
} {
  const traits: Record<string, unknown> = {};
  for (const trait of Object.values(profile.traits)) traits[trait.key] = trait.value;
  return { traits, computed: { ...profile.computedValues } };
}
