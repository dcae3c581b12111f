import { credentials } from '@grpc/grpc-js';
import { strategyLookups } from '@prism/campaign';
import type { Logger } from '@prism/log';
import { PersonaServiceService } from '@prism/proto/prism/persona/v1/persona';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningOutboxService, startOutboxService } from '@prism/runtime';
import type { PersonaConfig } from './config.js';
import { startConsumers } from './handlers/consumers.js';
import { personaService } from './server.js';
import { openRepositories, type PersonaRepositories } from './store/repositories.js';

export type RunningPersonaService = RunningOutboxService<PersonaRepositories>;

/** Wires the persona service's parts together and starts serving. */
export function startPersonaService(config: PersonaConfig, logger: Logger): Promise<RunningPersonaService> {
  return startOutboxService(
    {
      name: 'persona',
      env: config,
      database: config.PERSONA_DB,
      host: config.PERSONA_GRPC_HOST,
      port: config.PERSONA_GRPC_PORT,
      // The strategy stream too: this service consumes it, whichever service starts first.
      streams: ['persona', 'strategy'],
      openRepositories,
      logger,
    },
    async ({ repos, bus }) => {
      const strategyClient = new StrategyServiceClient(
        config.STRATEGY_GRPC_ADDR,
        credentials.createInsecure(),
      );
      const implementation = personaService({
        repos,
        strategy: strategyLookups(strategyClient),
      });
      return {
        service: [PersonaServiceService, implementation],
        consumers: await startConsumers({ bus, repos, logger }),
        close: () => strategyClient.close(),
      };
    },
  );
}
