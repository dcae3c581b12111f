import { credentials } from '@grpc/grpc-js';
import { connectBus, ensureServiceStreams } from '@prism/bus';
import { strategyLookups } from '@prism/campaign';
import { createGrpcServer, startMetricsServer, staticApiKeys } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { PersonaServiceService } from '@prism/proto/prism/persona/v1/persona';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { connectMongo, type OutboxDocumentRef, OutboxRelay } from '@prism/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { PersonaConfig } from './config.js';
import { startConsumers } from './handlers/consumers.js';
import { personaService } from './server.js';
import { openRepositories, type PersonaRepositories } from './store/repositories.js';

export interface RunningPersonaService {
  port: number;
  relay: OutboxRelay;
  /** For tests that drive a consumer's handler directly. */
  repos: PersonaRepositories;
  /** Graceful: stop accepting calls and consuming, flush the outbox, close connections. */
  stop(): Promise<void>;
}

/** Wires the persona service's parts together and starts serving. */
export async function startPersonaService(
  config: PersonaConfig,
  logger: Logger,
): Promise<RunningPersonaService> {
  const prefix = config.PRISM_SUBJECT_PREFIX;
  const mongo = await connectMongo(config.MONGO_URL, config.PERSONA_DB);
  const repos = await openRepositories(mongo.db);
  const bus = await connectBus({ servers: config.NATS_URL, name: 'persona', prefix });
  // The strategy stream too: this service consumes it, whichever service starts first.
  await ensureServiceStreams(bus.jsm, prefix, ['persona', 'strategy']);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const relay = new OutboxRelay({ storage: repos.storage, metrics, publisher: bus.publisher, logger });
  relay.start();
  const eventsQueued = (document: OutboxDocumentRef) => relay.kick(document);
  const consumers = await startConsumers({ bus, repos, eventsQueued, logger });

  const strategyClient = new StrategyServiceClient(config.STRATEGY_GRPC_ADDR, credentials.createInsecure());
  const server = createGrpcServer({
    service: 'persona',
    host: config.PERSONA_GRPC_HOST,
    port: config.PERSONA_GRPC_PORT,
    logger,
    apiKeys: staticApiKeys(config.PRISM_API_KEYS),
    descriptorSet: descriptorSet(),
    metrics,
  });
  server.addService(
    PersonaServiceService,
    personaService({ repos, strategy: strategyLookups(strategyClient), eventsQueued }),
  );
  const port = await server.start();
  const metricsServer = await startMetricsServer(metrics, config.METRICS_PORT, config.PERSONA_GRPC_HOST);
  logger.info({ port, metricsPort: config.METRICS_PORT || undefined }, 'persona service listening');

  return {
    port,
    relay,
    repos,
    async stop() {
      await server.shutdown();
      metricsServer?.close();
      // Consumers first: a handler in flight finishes and acks while NATS and Mongo are still open.
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      strategyClient.close();
      await relay.stop();
      await relay.drainOnce().catch((err) => logger.warn({ err }, 'outbox left for the next start'));
      await bus.close();
      await mongo.close();
    },
  };
}
