import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { failureOf as failureOfAny, type IsolatedInfra, isolatedInfra } from '@prism/testing';
import { type RunningStrategyService, startStrategyService } from '../app.js';
import { strategyConfigSchema } from '../config.js';

export const API_KEYS = { acme: 'acme-key-0001', globex: 'globex-key-0002' } as const;

let currentClient: StrategyServiceClient;

export interface StrategyHarness {
  infra: IsolatedInfra;
  service: RunningStrategyService;
  client: StrategyServiceClient;
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
  return {
    infra,
    service,
    client,
    async stop() {
      client.close();
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
