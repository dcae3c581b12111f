import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import {
  type Bus,
  type ConsumerHandle,
  connectBus,
  ensureServiceStreams,
  type OwningService,
} from '@prism/bus';
import { createGrpcServer, startMetricsServer, staticApiKeys } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { type AggregateStorage, connectMongo, OutboxRelay } from '@prism/store';
import type { Db } from 'mongodb';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** The configuration every outbox service shares (commonEnv plus its own db, host and port). */
export interface OutboxServiceOptions<Repos extends { storage: AggregateStorage }> {
  /** e.g. `persona`: the NATS connection name and the metrics label. */
  name: string;
  env: {
    MONGO_URL: string;
    NATS_URL: string;
    PRISM_SUBJECT_PREFIX: string;
    PRISM_API_KEYS: ReadonlyMap<string, string>;
    METRICS_PORT: number;
  };
  database: string;
  host: string;
  port: number;
  /** Streams this service publishes to or consumes from; ensured whoever starts first. */
  streams: OwningService[];
  openRepositories(db: Db): Promise<Repos>;
  logger: Logger;
}

/** What a service mounts on the runtime: its gRPC service, its consumers, what else to close. */
export interface ServiceParts {
  // biome-ignore lint/suspicious/noExplicitAny: grpc-js's own definitions are typed this loosely.
  service: [ServiceDefinition<any>, UntypedServiceImplementation];
  consumers: ConsumerHandle[];
  close?: () => void;
}

export interface RuntimeParts<Repos> {
  repos: Repos;
  bus: Bus;
}

export interface RunningOutboxService<Repos> {
  port: number;
  relay: OutboxRelay;
  repos: Repos;
  /** Graceful: stop accepting calls and consuming, flush the outbox, close connections. */
  stop(): Promise<void>;
}

/**
 * The start-up and shutdown every service with an outbox shares (ARCHITECTURE §4): Mongo, NATS
 * and its streams, the outbox relay, metrics, the gRPC server with reflection and health, and a
 * stop order that lets handlers in flight finish while their connections are still open.
 */
export async function startOutboxService<Repos extends { storage: AggregateStorage }>(
  options: OutboxServiceOptions<Repos>,
  mount: (runtime: RuntimeParts<Repos>) => Promise<ServiceParts>,
): Promise<RunningOutboxService<Repos>> {
  const { env, logger, name } = options;
  const prefix = env.PRISM_SUBJECT_PREFIX;
  const mongo = await connectMongo(env.MONGO_URL, options.database);
  const repos = await options.openRepositories(mongo.db);
  const bus = await connectBus({ servers: env.NATS_URL, name, prefix });
  await ensureServiceStreams(bus.jsm, prefix, options.streams);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const relay = new OutboxRelay({ storage: repos.storage, metrics, publisher: bus.publisher, logger });
  relay.start();
  const parts = await mount({ repos, bus });

  const server = createGrpcServer({
    service: name,
    host: options.host,
    port: options.port,
    logger,
    apiKeys: staticApiKeys(env.PRISM_API_KEYS),
    descriptorSet: descriptorSet(),
    metrics,
  });
  server.addService(...parts.service);
  const port = await server.start();
  const metricsServer = await startMetricsServer(metrics, env.METRICS_PORT, options.host);
  logger.info({ port, metricsPort: env.METRICS_PORT || undefined }, `${name} service listening`);

  return {
    port,
    relay,
    repos,
    async stop() {
      await server.shutdown();
      metricsServer?.close();
      // Consumers first: a handler in flight finishes and acks while NATS and Mongo are still open.
      await Promise.all(parts.consumers.map((consumer) => consumer.stop()));
      parts.close?.();
      await relay.stop();
      await relay.drainOnce().catch((err) => logger.warn({ err }, 'outbox left for the next start'));
      await bus.close();
      await mongo.close();
    },
  };
}
