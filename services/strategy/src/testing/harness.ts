import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { type Bus, connectBus, createEvent } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { PersonaChanged, PersonaDeleted } from '@prism/proto/prism/events/v1/persona_events';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { failureOf as failureOfAny, type IsolatedInfra, isolatedInfra } from '@prism/testing';
import { expect, vi } from 'vitest';
import { type RunningStrategyService, startStrategyService } from '../app.js';
import { strategyConfigSchema } from '../config.js';

export const API_KEYS = { acme: 'acme-key-0001', globex: 'globex-key-0002' } as const;

let currentClient: StrategyServiceClient;

export interface StrategyHarness {
  infra: IsolatedInfra;
  service: RunningStrategyService;
  client: StrategyServiceClient;
  /** Connection for publishing what other services would (persona events) and watching events. */
  bus: Bus;
  /** Publishes persona events as the persona service would and waits until the strategy counts them. */
  personaEvent(
    space: keyof typeof API_KEYS,
    kind: 'created' | 'deleted',
    strategyId: string,
    personaId: string,
  ): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a real strategy service on a free port against this test file's own database and subjects. */
export async function startStrategyHarness(): Promise<StrategyHarness> {
  const infra = isolatedInfra();
  const config = strategyConfigSchema.parse({
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: `acme:${API_KEYS.acme},globex:${API_KEYS.globex}`,
    STRATEGY_GRPC_PORT: '0',
    STRATEGY_DB: infra.dbName,
    LOG_LEVEL: 'silent',
  });
  const service = await startStrategyService(
    config,
    createLogger('strategy', { level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' }),
  );
  const client = new StrategyServiceClient(`127.0.0.1:${service.port}`, credentials.createInsecure());
  currentClient = client;
  const bus = await connectBus({
    servers: infra.natsUrl,
    name: 'strategy-harness',
    prefix: infra.subjectPrefix,
  });
  return {
    infra,
    service,
    client,
    bus,
    async personaEvent(space, kind, strategyId, personaId) {
      const count = async () =>
        (await callUnary(client, client.getStrategy, keyOf(space), { strategyId })).strategy?.personaCount;
      const before = await count();
      const data =
        kind === 'created'
          ? PersonaChanged.toJSON({ personaId, strategyId, name: personaId, version: 1 })
          : PersonaDeleted.toJSON({ personaId, strategyId, version: 2 });
      await bus.publisher.publish(
        createEvent({ source: 'prism/persona', kind: `persona.${kind}`, space, subject: personaId, data }),
      );
      await vi.waitFor(async () => expect(await count()).not.toBe(before), { timeout: 10_000, interval: 20 });
    },
    async stop() {
      client.close();
      await bus.close();
      await service.stop();
      await infra.cleanup();
    },
  };
}

/** Metadata with the key of a known test space, or with `space` itself as a (wrong) key. */
export function keyOf(space: keyof typeof API_KEYS | string): Metadata {
  return apiKeyMetadata(space in API_KEYS ? API_KEYS[space as keyof typeof API_KEYS] : space);
}

/** Promise form of a generated client's unary method, bound to the harness's client. */
export function callAs<Req, Res>(
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
): Promise<Res> {
  return callUnary(currentClient, method, metadata, request);
}

/** The gRPC error a call that must fail ends with. */
export const failureOf = (pending: Promise<unknown>) => failureOfAny<ServiceError>(pending);
