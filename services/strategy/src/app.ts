import { connectBus, ensureServiceStreams } from '@prism/bus';
import { createGrpcServer, startMetricsServer, staticApiKeys } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { StrategyServiceService } from '@prism/proto/prism/strategy/v1/strategy';
import { connectMongo, OutboxRelay } from '@prism/store';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { StrategyConfig } from './config.js';
import { consumePersonaEvents } from './events/persona-events.js';
import { strategyService } from './server.js';
import { openRepositories } from './store/repositories.js';

export interface RunningStrategyService {
  port: number;
  relay: OutboxRelay;
  /** Graceful: stop accepting calls, drain in-flight ones, flush the outbox, close connections. */
  stop(): Promise<void>;
}

/** Wires the strategy service's parts together and starts serving. */
export async function startStrategyService(
  config: StrategyConfig,
  logger: Logger,
): Promise<RunningStrategyService> {
  const prefix = config.PRISM_SUBJECT_PREFIX;
  const mongo = await connectMongo(config.MONGO_URL, config.STRATEGY_DB);
  const repos = await openRepositories(mongo.db);
  const bus = await connectBus({ servers: config.NATS_URL, name: 'strategy', prefix });
  // The persona stream too: this service consumes persona events, whoever starts first.
  await ensureServiceStreams(bus.jsm, prefix, ['strategy', 'persona']);

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const relay = new OutboxRelay({
    storage: repos.storage,
    metrics,
    publisher: bus.publisher,
    logger,
  });
  relay.start();
  const personaEvents = await consumePersonaEvents(bus, repos.personas, logger);

  const server = createGrpcServer({
    service: 'strategy',
    host: config.STRATEGY_GRPC_HOST,
    port: config.STRATEGY_GRPC_PORT,
    logger,
    apiKeys: staticApiKeys(config.PRISM_API_KEYS),
    descriptorSet: descriptorSet(),
    metrics,
  });
  server.addService(
    StrategyServiceService,
    strategyService({ repos, eventsQueued: (document) => relay.kick(document) }),
  );
  const port = await server.start();
  const metricsServer = await startMetricsServer(metrics, config.METRICS_PORT, config.STRATEGY_GRPC_HOST);
  logger.info({ port, metricsPort: config.METRICS_PORT || undefined }, 'strategy service listening');

  return {
    port,
    relay,
    async stop() {
      await server.shutdown();
      await personaEvents.stop();
      metricsServer?.close();
      await relay.stop();
      await relay.drainOnce().catch((err) => logger.warn({ err }, 'outbox left for the next start'));
      await bus.close();
      await mongo.close();
    },
  };
}
