import { type Bus, connectBus, ensureServiceStreams } from '@prism/bus';
import { createGrpcServer, type GrpcServer, serverTls, startMetricsServer } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { type FollowedSpaceKeys, followSpaceKeys } from '@prism/space-keys';
import { type AggregateStorage, connectMongo, type MongoConnection, OutboxRelay } from '@prism/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { z } from 'zod';
import type {
  ConfigSchema,
  RunningOutboxService,
  RunningService,
  ServiceModule,
  ServiceParts,
} from './service-module.js';

type OutboxModule<Schema extends ConfigSchema, Repos, Exposed> = ServiceModule<Schema, Repos, Exposed> & {
  outbox(repos: Repos): AggregateStorage;
};

/**
 * The start-up every service shares: Mongo and its repositories, NATS and its streams, the
 * outbox relay, the service's parts, the gRPC server with reflection and health, and metrics.
 * A start that fails part-way closes what it opened.
 */
export function startService<Schema extends ConfigSchema, Repos, Exposed>(
  module: OutboxModule<Schema, Repos, Exposed>,
  config: z.output<Schema>,
  logger: Logger,
): Promise<RunningOutboxService<Repos, Exposed>>;
export function startService<Schema extends ConfigSchema, Repos, Exposed>(
  module: ServiceModule<Schema, Repos, Exposed>,
  config: z.output<Schema>,
  logger: Logger,
): Promise<RunningService<Repos, Exposed>>;
export async function startService<Schema extends ConfigSchema, Repos, Exposed>(
  module: ServiceModule<Schema, Repos, Exposed>,
  config: z.output<Schema>,
  logger: Logger,
): Promise<RunningService<Repos, Exposed> & { relay?: OutboxRelay }> {
  const { name } = module;
  const prefix = config.PRISM_SUBJECT_PREFIX;
  const { host, port } = module.listen(config);
  let mongo: MongoConnection | undefined;
  let bus: Bus | undefined;
  let relay: OutboxRelay | undefined;
  let parts: ServiceParts<Exposed> | undefined;
  let spaceKeys: FollowedSpaceKeys | undefined;
  let server: GrpcServer | undefined;
  let metricsServer: { close(): unknown } | undefined;

  // Each step waits for the one before: calls and front doors close first, then consumers finish
  // what they hold (acking while NATS and Mongo are open), then the relay publishes what they queued.
  async function stop(): Promise<void> {
    await Promise.all([
      server?.shutdown(),
      spaceKeys?.stop(),
      ...(parts?.background ?? []).map((part) => part.stop()),
    ]);
    metricsServer?.close();
    await Promise.all((parts?.consumers ?? []).map((consumer) => consumer.stop()));
    parts?.close?.();
    if (relay) await drain(relay, logger);
    await bus?.close();
    await mongo?.close();
  }

  try {
    mongo = await connectMongo(config.MONGO_URL, module.database(config));
    const repos = await module.openRepositories(mongo.db, config);
    bus = await connectBus({ servers: config.NATS_URL, name, prefix, logger });
    await ensureServiceStreams(bus.jsm, prefix, module.streams);

    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const storage = module.outbox?.(repos);
    relay = storage && new OutboxRelay({ storage, metrics, publisher: bus.publisher, logger });
    relay?.start();
    parts = await module.parts({ config, repos, bus, logger });
    // Every space's keys as the profile service announces them, unless the service keeps its own.
    let apiKeys = parts.apiKeys;
    if (!apiKeys) {
      spaceKeys = await followSpaceKeys({ bus, staticKeys: config.PRISM_API_KEYS, logger });
      apiKeys = spaceKeys.apiKeys;
    }

    const grpc = createGrpcServer({
      service: name,
      host,
      port,
      logger,
      apiKeys,
      descriptorSet: descriptorSet(),
      metrics,
      rateLimit: { ratePerSecond: config.PRISM_RATE_LIMIT_RPS, burst: config.PRISM_RATE_LIMIT_BURST },
      tls: serverTls(config),
    });
    for (const mount of parts.grpc) grpc.addService(...mount);
    const boundPort = await grpc.start();
    server = grpc;
    metricsServer = await startMetricsServer(metrics, config.METRICS_PORT, host);
    logger.info(
      { port: boundPort, tls: Boolean(serverTls(config)), metricsPort: config.METRICS_PORT || undefined },
      `${name} service listening`,
    );

    const started = Promise.resolve(parts.starting).then(() => undefined);
    // Whoever awaits it (runService, a test) hears of a failure; nobody awaiting is no crash.
    started.catch(() => undefined);
    return { ...(parts.exposes as Exposed), port: boundPort, repos, started, ...(relay && { relay }), stop };
  } catch (error) {
    await stop().catch((failure: unknown) =>
      logger.warn({ err: failure }, 'unclean stop after a failed start'),
    );
    throw error;
  }
}

/** Publishes what handlers queued before they stopped; what it cannot is left for the next start. */
async function drain(relay: OutboxRelay, logger: Logger): Promise<void> {
  await relay.stop();
  await relay.drainOnce().catch((err) => logger.warn({ err }, 'outbox left for the next start'));
}
