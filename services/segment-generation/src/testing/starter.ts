import { credentials } from '@grpc/grpc-js';
import { SegmentGenerationServiceClient } from '@prism/proto/prism/segments/v1/segments';
import type { ServiceStarter } from '@prism/testing/world';
import { type RunningSegmentsService, startSegmentsService } from '../app.js';
import { segmentsConfigSchema } from '../config.js';

/** Segment generation in a test world: it checks campaigns with strategy and reads profiles from profile. */
export const segmentsStarter: ServiceStarter<RunningSegmentsService, SegmentGenerationServiceClient> = {
  name: 'segment-generation',
  calls: ['strategy', 'profile'],
  start: ({ env, db, addresses }, logger) =>
    startSegmentsService(
      segmentsConfigSchema.parse({
        ...env,
        SEGMENTS_GRPC_PORT: '0',
        SEGMENTS_DB: db,
        STRATEGY_GRPC_ADDR: addresses.strategy,
        PROFILE_GRPC_ADDR: addresses.profile,
      }),
      logger,
    ),
  grpcPort: (service) => service.port,
  connect: (address) => new SegmentGenerationServiceClient(address, credentials.createInsecure()),
};
