import { channelCredentials } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { AudienceServiceService } from '@prism/proto/prism/audience/v1/audience';
import { DestinationServiceService } from '@prism/proto/prism/audience/v1/destinations';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { type RunningService, type ServiceModule, startService } from '@prism/runtime';
import { eventCounters } from './clients/event-counters.js';
import { type AudienceConfig, audienceConfigSchema } from './config.js';
import type { DestinationDispatcher } from './destinations/dispatcher.js';
import { startDestinations } from './destinations/start.js';
import { startConsumers } from './handlers/consumers.js';
import { queueRecompute } from './live/definitions.js';
import { AudienceEngine } from './live/engine.js';
import { LookalikeRefresh } from './live/lookalike-refresh.js';
import { replayProfiles } from './live/profile-replay.js';
import { restoreMembership } from './live/recovery.js';
import { startSnapshots } from './live/snapshots.js';
import { audienceService as audienceApi } from './server.js';
import { destinationService } from './server-destinations.js';
import { type AudienceRepositories, openRepositories } from './store/repositories.js';

/**
 * The audience-sync service: live audiences over the profiles of each space, campaign
 * audiences rebuilt at every epoch, and `audience.*` events for partners. It publishes through
 * its own membership log (no relay), like the profile service's batch outbox.
 */
export const audienceService = {
  name: 'audience-sync',
  config: audienceConfigSchema,
  database: (config) => config.AUDIENCE_DB,
  listen: (config) => ({ host: config.AUDIENCE_GRPC_HOST, port: config.AUDIENCE_GRPC_PORT }),
  // Every stream it follows, whichever service starts first.
  streams: ['audience', 'profile', 'strategy', 'persona', 'segments'],
  openRepositories,
  async parts({ config, repos, bus, logger }) {
    const engine = new AudienceEngine({ repos, publisher: bus.publisher, logger });
    const unfinished = await restoreMembership(engine, repos, logger);
    await replayProfiles(bus, engine, logger);
    for (const state of engine.allSpaces()) state.indexMemberships();
    for (const { spaceId, audienceId } of unfinished)
      void queueRecompute(engine, spaceId, audienceId, { space: spaceId }, 'RECOMPUTE');
    const profileClient = new ProfileServiceClient(config.PROFILE_GRPC_ADDR, channelCredentials(config));
    const sensitivity = { extraTerms: config.AUDIENCE_SENSITIVE_TERMS };
    const { registry, dispatcher } = await startDestinations(
      engine,
      bus,
      {
        exportDir: config.AUDIENCE_EXPORT_DIR,
        graphUrl: config.META_GRAPH_URL,
        metaBatchRows: config.META_BATCH_ROWS,
        sensitivity,
      },
      logger,
    );
    const consumers = await startConsumers(bus, engine, { registry, wake: dispatcher.wake }, logger);
    const snapshots = startSnapshots(engine, config.AUDIENCE_SNAPSHOT_MS, logger);
    const lookalikes = new LookalikeRefresh(engine, config.AUDIENCE_LOOKALIKE_REFRESH_MS, logger);
    lookalikes.start();
    return {
      grpc: [
        [AudienceServiceService, audienceApi({ engine, eventCounters: eventCounters(profileClient) })],
        [
          DestinationServiceService,
          destinationService({ engine, registry, wake: dispatcher.wake, sensitivity }),
        ],
      ],
      consumers: [...consumers, snapshots, dispatcher, lookalikes],
      close: () => profileClient.close(),
      exposes: { engine, dispatcher },
    };
  },
} satisfies ServiceModule<typeof audienceConfigSchema, AudienceRepositories, AudienceExposes>;

/** What tests and benchmarks reach inside a running audience-sync. */
export interface AudienceExposes {
  engine: AudienceEngine;
  dispatcher: DestinationDispatcher;
}

export type RunningAudienceService = RunningService<AudienceRepositories, AudienceExposes>;

/** Starts it in this process: tests and benchmarks. */
export const startAudienceService = (config: AudienceConfig, logger: Logger) =>
  startService(audienceService, config, logger);
