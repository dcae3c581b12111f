import { createEvent, type PrismEvent } from '@prism/bus';
import {
  ProfileCreated,
  ProfileDeleted,
  ProfileIdentified,
  ProfileMerged,
  ProfileTraitsChanged,
} from '@prism/proto/prism/events/v1/profile_events';
import type { ProfileChange } from '../domain/batch.js';

const source = 'prism/profile';

/** The CloudEvent of a profile change; payloads are the proto messages' JSON form. */
export function profileEventOf(space: string, change: ProfileChange, time: Date): PrismEvent {
  switch (change.kind) {
    case 'profile.created':
      return profileEvent(space, change.kind, change.profileId, time, ProfileCreated.toJSON(change));
    case 'profile.identified':
      return profileEvent(space, change.kind, change.profileId, time, ProfileIdentified.toJSON(change));
    case 'profile.merged':
      return profileEvent(space, change.kind, change.survivor, time, ProfileMerged.toJSON(change));
    case 'profile.traits_changed':
      return profileEvent(space, change.kind, change.profileId, time, ProfileTraitsChanged.toJSON(change));
  }
}

export function profileDeleted(space: string, profileId: string, reason: string): PrismEvent {
  return profileEvent(
    space,
    'profile.deleted',
    profileId,
    new Date(),
    ProfileDeleted.toJSON({ profileId, reason }),
  );
}

function profileEvent(space: string, kind: string, profileId: string, time: Date, data: unknown): PrismEvent {
  return createEvent({ source, kind, space, subject: `profiles/${profileId}`, data, time });
}
