import { type ProfileEventRecord, type ProfileState, SEAL_AT } from './profile-state.js';

const DAY_MS = 86_400_000;

/** When the oldest event still kept was received (epoch ms); 0 days keeps everything. */
export function retentionCutoff(now: Date, retentionDays: number): number {
  return retentionDays > 0 ? now.getTime() - retentionDays * DAY_MS : Number.NEGATIVE_INFINITY;
}

/** A part of a profile's history to store as a document of its own. */
export interface EventChunk {
  id: string;
  profileId: string;
  events: ProfileEventRecord[];
}

/**
 * Keeps a profile's history small, on every write of the profile: events received more than
 * `retentionDays` ago are dropped (0 keeps everything; computed traits keep their own state, so
 * their windows do not depend on it), and once SEAL_AT events are open they are sealed into one
 * chunk. Returns the chunk to store and the ids of the chunks to delete.
 */
export function settleHistory(
  profile: ProfileState,
  now: Date,
  retentionDays: number,
  newChunkId: () => string,
): { sealed?: EventChunk; expired: string[] } {
  const expired: string[] = [];
  const cutoff = retentionCutoff(now, retentionDays);
  profile.openEvents = profile.openEvents.filter((event) => event.receivedAt >= cutoff);
  profile.eventChunks = profile.eventChunks.filter((chunk) => {
    if (chunk.newest >= cutoff) return true;
    expired.push(chunk.id);
    return false;
  });
  if (profile.openEvents.length < SEAL_AT) return { expired };
  const sealed = { id: newChunkId(), profileId: profile.id, events: profile.openEvents };
  profile.eventChunks.push({
    id: sealed.id,
    count: sealed.events.length,
    newest: Math.max(...sealed.events.map((event) => event.receivedAt)),
  });
  profile.openEvents = [];
  return { sealed, expired };
}
