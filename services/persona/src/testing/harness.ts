import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { type Bus, connectBus, type PrismEvent, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { startStrategyService } from '@prism/strategy/app';
import { strategyConfigSchema } from '@prism/strategy/config';
import { failureOf as failureOfAny, type IsolatedInfra, isolatedInfra, storedMessages } from '@prism/testing';
import { MongoClient } from 'mongodb';
import { type RunningPersonaService, startPersonaService } from '../app.js';
import { personaConfigSchema } from '../config.js';

export const API_KEYS = { acme: 'acme-key-0001', globex: 'globex-key-0002' } as const;

export interface PersonaHarness {
  infra: IsolatedInfra;
  persona: RunningPersonaService;
  personaClient: PersonaServiceClient;
  strategyClient: StrategyServiceClient;
  /** A connection of the test's own, to read what the services published. */
  bus: Bus;
  /**
   * A graceful stop and a new persona instance on the same database and prefix (new port, new
   * client; its durable consumers resume). `beforeStart` runs in between, e.g. to drop a durable.
   */
  restartPersona(beforeStart?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real strategy service and a real persona service (free ports, one subject prefix, one
 * set of API keys), as in production: persona learns campaigns from strategy's stream and
 * asks strategy's gRPC API when its projection lags.
 */
export async function startPersonaHarness(): Promise<PersonaHarness> {
  const infra = isolatedInfra();
  // Each service owns its database (and its outbox markers), as in production.
  const personaDb = `${infra.dbName}_persona`;
  const common = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: `acme:${API_KEYS.acme},globex:${API_KEYS.globex}`,
    LOG_LEVEL: 'silent',
  };
  const level = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';
  const strategy = await startStrategyService(
    strategyConfigSchema.parse({ ...common, STRATEGY_GRPC_PORT: '0', STRATEGY_DB: infra.dbName }),
    createLogger('strategy', { level }),
  );
  const personaConfig = personaConfigSchema.parse({
    ...common,
    PERSONA_GRPC_PORT: '0',
    PERSONA_DB: personaDb,
    STRATEGY_GRPC_ADDR: `127.0.0.1:${strategy.port}`,
  });
  const startPersona = () => startPersonaService(personaConfig, createLogger('persona', { level }));
  const persona = await startPersona();
  const bus = await connectBus({ servers: infra.natsUrl, name: 'persona-test', prefix: infra.subjectPrefix });
  const personaClient = new PersonaServiceClient(`127.0.0.1:${persona.port}`, credentials.createInsecure());
  const strategyClient = new StrategyServiceClient(
    `127.0.0.1:${strategy.port}`,
    credentials.createInsecure(),
  );
  const harness: PersonaHarness = {
    infra,
    persona,
    personaClient,
    strategyClient,
    bus,
    async restartPersona(beforeStart) {
      harness.personaClient.close();
      await harness.persona.stop();
      await beforeStart?.();
      harness.persona = await startPersona();
      harness.personaClient = new PersonaServiceClient(
        `127.0.0.1:${harness.persona.port}`,
        credentials.createInsecure(),
      );
    },
    async stop() {
      harness.personaClient.close();
      strategyClient.close();
      await bus.close();
      await harness.persona.stop();
      await strategy.stop();
      const mongo = await MongoClient.connect(infra.mongoUrl);
      await mongo.db(personaDb).dropDatabase();
      await mongo.close();
      await infra.cleanup();
    },
  };
  return harness;
}

/** Metadata with the key of a known test space. */
export const keyOf = (space: keyof typeof API_KEYS): Metadata => apiKeyMetadata(API_KEYS[space]);

/** Promise form of a generated client's unary method. */
export function call<Req, Res>(
  client: PersonaServiceClient | StrategyServiceClient,
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
): Promise<Res> {
  return callUnary(client, method, metadata, request);
}

/** The gRPC error a call that must fail ends with. */
export const failureOf = (pending: Promise<unknown>) => failureOfAny<ServiceError>(pending);

/** Every event of `kind` stored in a service's stream so far, oldest first. */
export function storedEvents(h: PersonaHarness, service: 'persona' | 'strategy', kind: string) {
  const ofKind = (event: PrismEvent) => event.type === `prism.${kind}`;
  return storedMessages(h.bus.jsm, streamName(h.bus.prefix, service), ofKind);
}

/** Whether a durable consumer of the persona service has handled everything in its stream. */
export async function consumerIdle(h: PersonaHarness, service: 'persona' | 'strategy', durable: string) {
  const info = await h.bus.jsm.consumers.info(streamName(h.bus.prefix, service), durable);
  return info.num_pending + info.num_ack_pending === 0;
}
