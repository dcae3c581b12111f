import type { Bus, OwningService } from '@prism/bus';
import type { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import type { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { ofKind, startWorld, type World } from '@prism/testing/world';
import type { RunningPersonaService } from '../app.js';
import { personaStarter } from './starter.js';

export { callUnary as call } from '@prism/grpc';
export { keyOf, rpcFailureOf as failureOf, TEST_API_KEYS as API_KEYS } from '@prism/testing/world';

export type PersonaWorld = World<{ strategy: typeof strategyStarter; persona: typeof personaStarter }>;

/** The persona tests' view of their world. */
export interface PersonaHarness {
  world: PersonaWorld;
  persona: RunningPersonaService;
  personaClient: PersonaServiceClient;
  strategyClient: StrategyServiceClient;
  /** A connection of the test's own, to read what the services published. */
  bus: Bus;
  stop(): Promise<void>;
}

/**
 * A real strategy service and a real persona service, as in production: persona learns campaigns
 * from strategy's stream and asks strategy's gRPC API when its projection lags.
 */
export async function startPersonaHarness(): Promise<PersonaHarness> {
  const world = await startWorld({ strategy: strategyStarter, persona: personaStarter });
  return {
    world,
    persona: world.services.persona,
    personaClient: world.clients.persona,
    strategyClient: world.clients.strategy,
    bus: world.bus,
    stop: () => world.stop(),
  };
}

/** Every event of `kind` stored in a service's stream so far, oldest first. */
export const storedEvents = (h: PersonaHarness, service: OwningService, kind: string) =>
  h.world.events(service, ofKind(kind));

/** Whether a durable consumer has handled everything in its stream. */
export const consumerIdle = (h: PersonaHarness, service: OwningService, durable: string) =>
  h.world.consumerIdle(service, durable);
