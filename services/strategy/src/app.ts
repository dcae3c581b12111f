import type { Logger } from '@prism/log';
import { StrategyServiceService } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningOutboxService, startOutboxService } from '@prism/runtime';
import type { StrategyConfig } from './config.js';
import { consumePersonaEvents } from './events/persona-events.js';
import { consumeSelectionEvents } from './events/selection-events.js';
import { strategyService } from './server.js';
import { openRepositories, type StrategyRepositories } from './store/repositories.js';

export type RunningStrategyService = RunningOutboxService<StrategyRepositories>;

/** Wires the strategy service's parts together and starts serving. */
export function startStrategyService(
  config: StrategyConfig,
  logger: Logger,
): Promise<RunningStrategyService> {
  return startOutboxService(
    {
      name: 'strategy',
      env: config,
      database: config.STRATEGY_DB,
      host: config.STRATEGY_GRPC_HOST,
      port: config.STRATEGY_GRPC_PORT,
      // The persona and segments streams too: this service follows them, whoever starts first.
      streams: ['strategy', 'persona', 'segments'],
      openRepositories,
      logger,
    },
    async ({ repos, bus }) => ({
      service: [StrategyServiceService, strategyService({ repos })],
      consumers: [
        await consumePersonaEvents(bus, repos.personas, logger),
        ...(await consumeSelectionEvents(bus, repos.selections, logger)),
      ],
    }),
  );
}
