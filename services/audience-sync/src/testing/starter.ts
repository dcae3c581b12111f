import { credentials } from '@grpc/grpc-js';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import type { ServiceStarter } from '@prism/testing/world';
import { type RunningAudienceService, startAudienceService } from '../app.js';
import { audienceConfigSchema } from '../config.js';

/**
 * audience-sync in a test world: it asks the profile service to count events for audiences.
 * `settings` adds environment settings, e.g. the fake Graph API's URL or a CSV export folder.
 */
export const audienceStarterWith = (
  settings: Record<string, string> = {},
): ServiceStarter<RunningAudienceService, AudienceServiceClient> => ({
  name: 'audience-sync',
  calls: ['profile'],
  start: ({ env, db, addresses }, logger) =>
    startAudienceService(
      audienceConfigSchema.parse({
        ...env,
        AUDIENCE_GRPC_PORT: '0',
        AUDIENCE_DB: db,
        AUDIENCE_SNAPSHOT_MS: '200',
        PROFILE_GRPC_ADDR: addresses.profile,
        ...settings,
      }),
      logger,
    ),
  grpcPort: (service) => service.port,
  connect: (address) => new AudienceServiceClient(address, credentials.createInsecure()),
});

export const audienceStarter = audienceStarterWith();
