import { credentials } from '@grpc/grpc-js';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import type { ServiceStarter } from '@prism/testing/world';
import { type RunningPersonaService, startPersonaService } from '../app.js';
import { personaConfigSchema } from '../config.js';

/** The persona service in a test world: it asks strategy's API when its projection lags. */
export const personaStarter: ServiceStarter<RunningPersonaService, PersonaServiceClient> = {
  name: 'persona',
  calls: ['strategy'],
  start: ({ env, db, addresses }, logger) =>
    startPersonaService(
      personaConfigSchema.parse({
        ...env,
        PERSONA_GRPC_PORT: '0',
        PERSONA_DB: db,
        STRATEGY_GRPC_ADDR: addresses.strategy,
      }),
      logger,
    ),
  grpcPort: (service) => service.port,
  connect: (address) => new PersonaServiceClient(address, credentials.createInsecure()),
};
