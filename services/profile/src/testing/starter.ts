import { credentials } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { type ServiceStarter, TEST_ADMIN_KEY } from '@prism/testing/world';
import { type RunningProfileService, startProfileService } from '../app.js';
import { type ProfileConfig, profileConfigSchema } from '../config.js';

export type ProfileOverrides = Partial<Record<keyof ProfileConfig, string>>;

/** The profile service in a test world (calls no other service), with the test operator key. */
export function profileStarter(
  overrides: ProfileOverrides = {},
): ServiceStarter<RunningProfileService, ProfileServiceClient> {
  return {
    name: 'profile',
    calls: [],
    start: ({ env, db }, logger) =>
      startProfileService(
        profileConfigSchema.parse({
          ...env,
          PROFILE_GRPC_PORT: '0',
          PROFILE_HTTP_PORT: '0',
          PROFILE_DB: db,
          PRISM_ADMIN_KEY: TEST_ADMIN_KEY,
          ...overrides,
        }),
        logger,
      ),
    grpcPort: (service) => service.port,
    connect: (address) => new ProfileServiceClient(address, credentials.createInsecure()),
  };
}

/** Creates a profile space through the operator API of the profile service at `address`. */
export async function createProfileSpace(address: string, spaceId: string) {
  const spaces = new SpaceServiceClient(address, credentials.createInsecure());
  const request = { spaceId, displayName: spaceId };
  try {
    return await callUnary(spaces, spaces.createSpace, apiKeyMetadata(TEST_ADMIN_KEY), request);
  } finally {
    spaces.close();
  }
}
