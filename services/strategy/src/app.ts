import type { Logger } from '@prism/log';
import { StrategyServiceService } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningOutboxService, type ServiceModule, startService } from '@prism/runtime';
import { type StrategyConfig, strategyConfigSchema } from './config.js';
import { startConsumers } from './handlers/consumers.js';
import { strategyService as strategyApi } from './server.js';
import { openRepositories, type StrategyRepositories } from './store/repositories.js';

/** The strategy service: strategies, campaigns and the wizard, and what it follows of the others. */
export const strategyService = {
  name: 'strategy',
  config: strategyConfigSchema,
  database: (config) => config.STRATEGY_DB,
  listen: (config) => ({ host: config.STRATEGY_GRPC_HOST, port: config.STRATEGY_GRPC_PORT }),
  // The persona and segments streams too: this service follows them, whoever starts first.
  streams: ['strategy', 'persona', 'segments'],
  openRepositories,
  outbox: (repos) => repos.storage,
  parts: async ({ repos, bus }) => ({
    grpc: [[StrategyServiceService, strategyApi({ repos })]],
    consumers: await startConsumers(bus, repos),
  }),
} satisfies ServiceModule<typeof strategyConfigSchema, StrategyRepositories>;

export type RunningStrategyService = RunningOutboxService<StrategyRepositories>;

/** Starts it in this process: tests and benchmarks. */
export const startStrategyService = (config: StrategyConfig, logger: Logger) =>
  startService(strategyService, config, logger);
