import { strategyLookups } from '@prism/campaign';
import { channelCredentials } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { PersonaServiceService } from '@prism/proto/prism/persona/v1/persona';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningOutboxService, type ServiceModule, startService } from '@prism/runtime';
import { personaMatches } from './clients/persona-matches.js';
import { type PersonaConfig, personaConfigSchema } from './config.js';
import { startConsumers } from './handlers/consumers.js';
import { personaService as personaApi } from './server.js';
import { openRepositories, type PersonaRepositories } from './store/repositories.js';

/** The persona service: personas per strategy and each campaign's persona selection. */
export const personaService = {
  name: 'persona',
  config: personaConfigSchema,
  database: (config) => config.PERSONA_DB,
  listen: (config) => ({ host: config.PERSONA_GRPC_HOST, port: config.PERSONA_GRPC_PORT }),
  // The strategy stream too: this service consumes it, whichever service starts first.
  streams: ['persona', 'strategy'],
  openRepositories,
  outbox: (repos) => repos.storage,
  async parts({ config, repos, bus }) {
    const strategyClient = new StrategyServiceClient(config.STRATEGY_GRPC_ADDR, channelCredentials(config));
    const audienceClient = new AudienceServiceClient(config.AUDIENCE_GRPC_ADDR, channelCredentials(config));
    const deps = {
      repos,
      strategy: strategyLookups(strategyClient),
      matches: personaMatches(audienceClient),
    };
    return {
      grpc: [[PersonaServiceService, personaApi(deps)]],
      consumers: await startConsumers(bus, repos),
      close: () => {
        strategyClient.close();
        audienceClient.close();
      },
    };
  },
} satisfies ServiceModule<typeof personaConfigSchema, PersonaRepositories>;

export type RunningPersonaService = RunningOutboxService<PersonaRepositories>;

/** Starts it in this process: tests and benchmarks. */
export const startPersonaService = (config: PersonaConfig, logger: Logger) =>
  startService(personaService, config, logger);
