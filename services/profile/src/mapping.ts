import type { ComputedTrait, Profile, ProfileEvent } from '@prism/proto/prism/profile/v1/profile';
import { computedTraitDefinitionToProto } from './domain/computed/index.js';
import { type ProfileEventRecord, type ProfileState, traitValues } from './domain/profile-state.js';
import type { StoredComputedTrait } from './store/space-settings.js';

/** A profile as the API shows it; `traitKeys` narrows both custom and computed traits. */
export function profileToProto(profile: ProfileState, traitKeys: readonly string[] = []): Profile {
  const { traits, computed } = traitValues(profile);
  const only = keyFilter(traitKeys);
  return {
    profileId: profile.id,
    identifiers: profile.identifiers,
    traits: only(traits),
    computedTraits: only(computed),
    mergedProfileIds: profile.mergedProfileIds,
    version: profile.version,
    createTime: new Date(profile.createdAt),
    updateTime: new Date(profile.updatedAt),
  };
}

export function profileEventToProto(event: ProfileEventRecord): ProfileEvent {
  return {
    messageId: event.messageId,
    type: event.type,
    name: event.name ?? '',
    properties: event.properties,
    timestamp: new Date(event.timestamp),
    receiveTime: new Date(event.receivedAt),
  };
}

export function computedTraitToProto(trait: StoredComputedTrait): ComputedTrait {
  return {
    definition: computedTraitDefinitionToProto(trait.definition),
    createTime: trait.createdAt,
    backfilledProfiles: trait.backfilledProfiles,
  };
}

/** Keeps only `keys` of a trait record; every key when none are named. */
export function keyFilter(
  keys: readonly string[],
): (values: Record<string, unknown>) => Record<string, unknown> {
  if (keys.length === 0) return (values) => values;
  const wanted = new Set(keys);
  return (values) => Object.fromEntries(Object.entries(values).filter(([key]) => wanted.has(key)));
}
