import { credentials } from '@grpc/grpc-js';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import type { ServiceStarter } from '@prism/testing/world';
import { type RunningPersonaService, startPersonaService } from '../app.js';
import { personaConfigSchema } from '../config.js';

/** Where no audience-sync listens (the discard port): persona lists answer without counts. */
const NO_AUDIENCE_SYNC = '127.0.0.1:9';

/**
 * The persona service in a test world: it asks strategy's API when its projection lags, and
 * audience-sync (when the world has it: `personaWithAudiencesStarter`) for persona counts.
 */
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
        AUDIENCE_GRPC_ADDR: addresses['audience-sync'] ?? NO_AUDIENCE_SYNC,
      }),
      logger,
    ),
  grpcPort: (service) => service.port,
  connect: (address) => new PersonaServiceClient(address, credentials.createInsecure()),
};

/** The persona service in a world with audience-sync, which it asks for persona counts. */
export const personaWithAudiencesStarter: typeof personaStarter = {
  ...personaStarter,
  calls: ['strategy', 'audience-sync'],
};
