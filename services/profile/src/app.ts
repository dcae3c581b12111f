import { connectBus, ensureServiceStreams, jetStreamPublisher } from '@prism/bus';
import { createGrpcServer, startMetricsServer } from '@prism/grpc';
import type { Logger, LoggerOptions } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { ProfileServiceService } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceService } from '@prism/proto/prism/profile/v1/space';
import { connectMongo } from '@prism/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ProfileConfig } from './config.js';
import { startIngestConsumer } from './events/ingest-consumer.js';
import { openIngestQueue } from './events/ingest-queue.js';
import { startIngestThread } from './http/ingest-thread.js';
import { ProfileMaintenance } from './pipeline/maintenance.js';
import { ProfilePipeline } from './pipeline/profile-pipeline.js';
import { profileService } from './server.js';
import { SpaceDirectory, SpaceStore, spaceService } from './spaces/index.js';
import { BatchOutbox } from './store/batch-outbox.js';
import { ProfileStore } from './store/profile-store.js';
import { SpaceSettingsStore } from './store/space-settings.js';

export interface RunningProfileService {
  grpcPort: number;
  httpPort: number;
  pipeline: ProfilePipeline;
  maintenance: ProfileMaintenance;
  directory: SpaceDirectory;
  stop(): Promise<void>;
}

/** Wires the profile service's parts together and starts serving gRPC and HTTP. */
export async function startProfileService(
  config: ProfileConfig,
  logger: Logger,
): Promise<RunningProfileService> {
  const prefix = config.PRISM_SUBJECT_PREFIX;
  const mongo = await connectMongo(config.MONGO_URL, config.PROFILE_DB);
  const store = new ProfileStore(mongo.db, config.PROFILE_WRITER);
  await store.ensureIndexes();
  const bus = await connectBus({ servers: config.NATS_URL, name: 'profile', prefix });
  await ensureServiceStreams(bus.jsm, prefix, ['profile']);
  const dedupeWindowMs = config.INGEST_DEDUPE_WINDOW_S * 1000;
  const queue = await openIngestQueue(bus.js, bus.jsm, prefix, dedupeWindowMs);

  const spaces = new SpaceStore(mongo.db);
  const directory = new SpaceDirectory(spaces, {
    logger,
    staticKeys: config.PRISM_API_KEYS,
    ...(config.PRISM_ADMIN_KEY && { adminKey: config.PRISM_ADMIN_KEY }),
  });
  await directory.start();

  const pipeline = new ProfilePipeline({
    store,
    settings: new SpaceSettingsStore(mongo.db),
    outbox: new BatchOutbox(mongo.db, config.PROFILE_WRITER),
    publisher: jetStreamPublisher(bus.js, prefix),
    rulesOf: (spaceId) => directory.rulesOf(spaceId),
    logger,
  });
  const maintenance = new ProfileMaintenance(pipeline);
  const consumer = await startIngestConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix,
    dedupeWindowMs,
    pipeline,
    logger,
    inFlight: config.INGEST_IN_FLIGHT,
  });
  const sweeper = setInterval(() => {
    maintenance.sweep().catch((error) => logger.error({ err: error }, 'computed trait sweep failed'));
  }, config.PROFILE_SWEEP_INTERVAL_S * 1000);
  sweeper.unref();

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const server = createGrpcServer({
    service: 'profile',
    host: config.PROFILE_GRPC_HOST,
    port: config.PROFILE_GRPC_PORT,
    logger,
    apiKeys: directory.apiKeys,
    descriptorSet: descriptorSet(),
    metrics,
  });
  server.addService(ProfileServiceService, profileService({ pipeline, maintenance, queue }));
  server.addService(SpaceServiceService, spaceService({ store: spaces, directory }));
  const grpcPort = await server.start();
  const http = await startIngestThread(
    {
      natsUrl: config.NATS_URL,
      prefix,
      dedupeWindowMs,
      port: config.PROFILE_HTTP_PORT,
      host: config.PROFILE_GRPC_HOST,
      logLevel: logger.level as LoggerOptions['level'],
    },
    directory.writeKeys.spaceOf,
  );
  const httpPort = http.port;
  const metricsServer = await startMetricsServer(metrics, config.METRICS_PORT, config.PROFILE_GRPC_HOST);
  logger.info({ grpcPort, httpPort }, 'profile service listening');

  return {
    grpcPort,
    httpPort,
    pipeline,
    maintenance,
    directory,
    async stop() {
      await Promise.all([server.shutdown(), http.stop()]);
      metricsServer?.close();
      clearInterval(sweeper);
      directory.stop();
      await consumer.stop();
      await bus.close();
      await mongo.close();
    },
  };
}
