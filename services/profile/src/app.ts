import { serverTls } from '@prism/grpc';
import type { Logger, LoggerOptions } from '@prism/log';
import { ProfileServiceService } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceService } from '@prism/proto/prism/profile/v1/space';
import { type RunningService, type ServiceModule, startService } from '@prism/runtime';
import { keySetAnnouncer } from '@prism/space-keys';
import { type ProfileConfig, profileConfigSchema } from './config.js';
import { startConsumers } from './handlers/consumers.js';
import { startIngestThread } from './http/ingest-thread.js';
import { openIngestQueue } from './pipeline/ingest-queue.js';
import { ProfileMaintenance } from './pipeline/maintenance.js';
import { ProfilePipeline } from './pipeline/profile-pipeline.js';
import { profileService as profileApi } from './server.js';
import { SpaceDirectory, spaceService } from './spaces/index.js';
import { openRepositories, type ProfileRepositories } from './store/repositories.js';

/** What a running profile service shows tests and benchmarks beside its gRPC port. */
export interface ProfileParts {
  /** The HTTP Tracking API's port, once its thread listens (after gRPC does). */
  httpPort: Promise<number>;
  pipeline: ProfilePipeline;
  maintenance: ProfileMaintenance;
  directory: SpaceDirectory;
}

/**
 * The profile service: spaces and their keys (SpaceService), the Segment-compatible HTTP
 * Tracking API on a thread of its own, ingestion through a JetStream queue, and the Profile API.
 * It publishes profile events through its own batch outbox, so it has no outbox relay.
 */
export const profileService = {
  name: 'profile',
  config: profileConfigSchema,
  database: (config) => config.PROFILE_DB,
  listen: (config) => ({ host: config.PROFILE_GRPC_HOST, port: config.PROFILE_GRPC_PORT }),
  streams: ['profile'],
  openRepositories,
  async parts({ config, repos, bus, logger }) {
    const dedupeWindowMs = config.INGEST_DEDUPE_WINDOW_S * 1000;
    // Spaces and their keys, loaded before the first call is authenticated and kept current.
    const directory = new SpaceDirectory(repos.spaces, {
      logger,
      staticKeys: config.PRISM_API_KEYS,
      ...(config.PRISM_ADMIN_KEY && { adminKey: config.PRISM_ADMIN_KEY }),
      announcer: keySetAnnouncer(bus),
    });
    const keysLoaded = directory.start();
    // The HTTP thread loads its modules (about a second on a busy machine) while gRPC starts to
    // answer: a restart serves reads sooner. Its write-key lookups wait for the keys.
    const http = startIngestThread(
      {
        natsUrl: config.NATS_URL,
        prefix: bus.prefix,
        dedupeWindowMs,
        port: config.PROFILE_HTTP_PORT,
        host: config.PROFILE_GRPC_HOST,
        logLevel: logger.level as LoggerOptions['level'],
        rateLimit: { ratePerSecond: config.PRISM_RATE_LIMIT_RPS, burst: config.PRISM_RATE_LIMIT_BURST },
        tls: serverTls(config),
      },
      async (writeKey) => {
        await keysLoaded;
        return directory.writeKeys.spaceOf(writeKey);
      },
    );
    const httpPort = http.then(({ port }) => {
      logger.info({ httpPort: port, tls: Boolean(serverTls(config)) }, 'profile HTTP Tracking API listening');
      return port;
    });
    // Its failure is reported through `starting` once parts are returned; until then, a thread
    // failing early (a port in use) must not be an unhandled rejection.
    httpPort.catch(() => undefined);
    const httpStopper = { stop: async () => (await http.catch(() => undefined))?.stop() };
    // A start that fails after the thread was asked for stops it: nothing would otherwise.
    const stopHttpAndThrow = async (error: unknown): Promise<never> => {
      await httpStopper.stop();
      throw error;
    };
    const [queue] = await Promise.all([
      openIngestQueue(bus.js, bus.jsm, bus.prefix, dedupeWindowMs),
      keysLoaded,
    ]).catch(stopHttpAndThrow);
    const pipeline = new ProfilePipeline({
      store: repos.profiles,
      settings: repos.settings,
      outbox: repos.outbox,
      publisher: bus.publisher,
      rulesOf: (spaceId) => directory.rulesOf(spaceId),
      logger,
      cacheSize: config.PROFILE_CACHE_PROFILES,
      historyRetentionDays: config.PROFILE_HISTORY_RETENTION_DAYS,
    });
    const maintenance = new ProfileMaintenance(pipeline);
    return {
      grpc: [
        [ProfileServiceService, profileApi({ pipeline, maintenance, queue })],
        [SpaceServiceService, spaceService({ store: repos.spaces, directory })],
      ],
      apiKeys: directory.apiKeys,
      consumers: await startConsumers(bus, pipeline, repos.marks, config, logger).catch(stopHttpAndThrow),
      starting: httpPort,
      background: [
        httpStopper,
        sweepEvery(config.PROFILE_SWEEP_INTERVAL_S * 1000, maintenance, logger),
        directory,
      ],
      exposes: { httpPort, pipeline, maintenance, directory },
    };
  },
} satisfies ServiceModule<typeof profileConfigSchema, ProfileRepositories, ProfileParts>;

/** Expires windowed computed traits of profiles that get no new events. */
function sweepEvery(intervalMs: number, maintenance: ProfileMaintenance, logger: Logger) {
  const sweeper = setInterval(() => {
    maintenance.sweep().catch((error) => logger.error({ err: error }, 'computed trait sweep failed'));
  }, intervalMs);
  sweeper.unref();
  return { stop: () => clearInterval(sweeper) };
}

/** The service started in this process (tests, benchmarks): its HTTP Tracking API listens too. */
export type RunningProfileService = Omit<RunningService<ProfileRepositories, ProfileParts>, 'httpPort'> & {
  httpPort: number;
};

/** Starts it in this process and waits for its HTTP Tracking API too: tests and benchmarks. */
export async function startProfileService(
  config: ProfileConfig,
  logger: Logger,
): Promise<RunningProfileService> {
  const service = await startService(profileService, config, logger);
  try {
    return { ...service, httpPort: await service.httpPort };
  } catch (error) {
    await service.stop();
    throw error;
  }
}
