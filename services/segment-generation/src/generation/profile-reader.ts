import { type ServiceError, status } from '@grpc/grpc-js';
import { FailedPrecondition, type SegmentGenerationFailure } from '@prism/errors';
import { type CallContext, deadlineWithin, dependencyFailure, forwardedMetadata } from '@prism/grpc';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import type { AudienceProfile } from '../domain/model.js';

/** Reads the audience a strategy links: every live profile of its profile space. */
export type ProfileReader = (
  call: CallContext,
  profileSpaceId: string,
  onProgress: (read: number, total: number) => void,
) => Promise<AudienceProfile[]>;

const EXPORT_TIMEOUT_MS = 120_000;
const BATCH_SIZE = 5_000;

/**
 * ExportProfiles on the profile service with the caller's own key, naming the strategy's space:
 * a strategy can only link a space its users may read, so linking another tenant's space gains
 * nothing (the profile service answers PERMISSION_DENIED, reported as a precondition).
 */
export function profileReader(client: ProfileServiceClient): ProfileReader {
  return async (call, profileSpaceId, onProgress) => {
    const metadata = forwardedMetadata(call);
    metadata.set('x-prism-space', profileSpaceId);
    const stream = client.exportProfiles({ traitKeys: [], batchSize: BATCH_SIZE }, metadata, {
      deadline: deadlineWithin(call, EXPORT_TIMEOUT_MS),
    });
    const profiles: AudienceProfile[] = [];
    try {
      for await (const batch of stream) {
        for (const exported of batch.profiles) {
          profiles.push({
            profileId: exported.profileId,
            traits: { ...JSON.parse(exported.traitsJson), ...JSON.parse(exported.computedTraitsJson) },
          });
        }
        onProgress(profiles.length, batch.total);
      }
    } catch (error) {
      throw unreadable(client, error as ServiceError, profileSpaceId);
    }
    return profiles;
  };
}

function unreadable(client: ProfileServiceClient, error: ServiceError, profileSpaceId: string): Error {
  if (error.code === status.PERMISSION_DENIED || error.code === status.UNAUTHENTICATED) {
    return new FailedPrecondition<SegmentGenerationFailure>(
      'PROFILE_SPACE_NOT_READABLE',
      `The strategy's audience data (profile space "${profileSpaceId}") cannot be read with your key; link a profile space of your own workspace.`,
    );
  }
  return dependencyFailure('profile', client, error);
}
