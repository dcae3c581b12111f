import type { AudienceDefinition } from '../domain/audience.js';
import type { ProfileView } from '../domain/profile-mirror.js';
import type { AudienceEngine } from '../live/engine.js';
import type { DestinationDocument } from './destination.js';

/** One member of an audience as a destination is sent it. */
export interface SnapshotMember {
  profileId: string;
  enteredAt: number;
  profile: ProfileView | undefined;
}

/** Everyone in a destination's audience, and the audience-stream position that includes them. */
export interface AudienceSnapshot {
  definition: AudienceDefinition | undefined;
  members: SnapshotMember[];
  /** Every membership change up to here is in `members`; later ones arrive as deliveries. */
  throughSeq: number;
}

/** The last sequence of the audience stream: what a snapshot taken now includes. */
export type AudienceStreamPosition = () => Promise<number>;

/**
 * Takes the members on the space's queue: every change applied so far has been published
 * (a commit publishes before its queue step ends), so the stream position read there bounds
 * what the snapshot holds. A campaign's audience may not exist yet: then nobody is in it.
 */
export function snapshotAudience(
  engine: AudienceEngine,
  streamPosition: AudienceStreamPosition,
  destination: DestinationDocument,
): Promise<AudienceSnapshot> {
  return engine.inSpace(destination.spaceId, async (state) => {
    const throughSeq = await streamPosition();
    const audience = state.byKey(destination.audienceKey);
    const members = [...(audience?.members ?? [])].map(([profileId, enteredAt]) => ({
      profileId,
      enteredAt,
      profile: state.mirror.get(profileId),
    }));
    return { definition: audience?.definition, members, throughSeq };
  });
}
