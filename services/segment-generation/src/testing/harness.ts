import { credentials, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { type Bus, connectBus, type PrismEvent, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import {
  type GenerateSegmentsRequest,
  type GenerateSegmentsResponse,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { startStrategyService } from '@prism/strategy/app';
import { strategyConfigSchema } from '@prism/strategy/config';
import { failureOf as failureOfAny, isolatedInfra, storedMessages } from '@prism/testing';
import { MongoClient } from 'mongodb';
import { type RunningSegmentsService, startSegmentsService } from '../app.js';
import { segmentsConfigSchema } from '../config.js';

export const API_KEYS = { acme: 'acme-key-0001', globex: 'globex-key-0002' } as const;
const ADMIN_KEY = 'operator-key-for-tests-0001';

/** Metadata with the key of a known test space (valid on every service, as `PRISM_API_KEYS`). */
export const keyOf = (space: keyof typeof API_KEYS): Metadata => apiKeyMetadata(API_KEYS[space]);

export interface SegmentsHarness {
  strategy: StrategyServiceClient;
  profiles: ProfileServiceClient;
  segments: SegmentGenerationServiceClient;
  service: RunningSegmentsService;
  bus: Bus;
  /** Creates the profile space of a test space through the operator API. */
  createProfileSpace(spaceId: keyof typeof API_KEYS): Promise<void>;
  /** Runs GenerateSegments to its end: every streamed message, or the error it failed with. */
  generate(
    request: Partial<GenerateSegmentsRequest>,
    metadata: Metadata,
  ): Promise<GenerateSegmentsResponse[]>;
  /** Every `prism.<kind>` event in a service's stream so far. */
  storedEvents(service: 'segments' | 'strategy', kind: string): Promise<PrismEvent[]>;
  stop(): Promise<void>;
}

/**
 * Real strategy, profile and segment-generation services on real NATS and FerretDB, on free
 * ports, one subject prefix and one set of API keys, each with its own database.
 */
export async function startSegmentsHarness(): Promise<SegmentsHarness> {
  const infra = isolatedInfra();
  const databases = ['strategy', 'profile', 'segments'].map((name) => `${infra.dbName}_${name}`);
  const [strategyDb, profileDb, segmentsDb] = databases as [string, string, string];
  const common = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: `acme:${API_KEYS.acme},globex:${API_KEYS.globex}`,
    LOG_LEVEL: 'silent',
  };
  const level = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';
  const strategyService = await startStrategyService(
    strategyConfigSchema.parse({ ...common, STRATEGY_GRPC_PORT: '0', STRATEGY_DB: strategyDb }),
    createLogger('strategy', { level }),
  );
  const profileService = await startProfileService(
    profileConfigSchema.parse({
      ...common,
      PROFILE_GRPC_PORT: '0',
      PROFILE_HTTP_PORT: '0',
      PROFILE_DB: profileDb,
      PRISM_ADMIN_KEY: ADMIN_KEY,
    }),
    createLogger('profile', { level }),
  );
  const service = await startSegmentsService(
    segmentsConfigSchema.parse({
      ...common,
      SEGMENTS_GRPC_PORT: '0',
      SEGMENTS_DB: segmentsDb,
      STRATEGY_GRPC_ADDR: `127.0.0.1:${strategyService.port}`,
      PROFILE_GRPC_ADDR: `127.0.0.1:${profileService.grpcPort}`,
    }),
    createLogger('segment-generation', { level }),
  );
  const insecure = credentials.createInsecure();
  const strategy = new StrategyServiceClient(`127.0.0.1:${strategyService.port}`, insecure);
  const profiles = new ProfileServiceClient(`127.0.0.1:${profileService.grpcPort}`, insecure);
  const spaces = new SpaceServiceClient(`127.0.0.1:${profileService.grpcPort}`, insecure);
  const segments = new SegmentGenerationServiceClient(`127.0.0.1:${service.port}`, insecure);
  const bus = await connectBus({
    servers: infra.natsUrl,
    name: 'segments-test',
    prefix: infra.subjectPrefix,
  });

  return {
    strategy,
    profiles,
    segments,
    service,
    bus,
    async createProfileSpace(spaceId) {
      await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), {
        spaceId,
        displayName: spaceId,
      });
    },
    async generate(request, metadata) {
      const full = { campaignId: '', expectedEpoch: 0, context: '', segmentCount: 0, seed: 0, ...request };
      const messages: GenerateSegmentsResponse[] = [];
      for await (const message of segments.generateSegments(full, metadata)) messages.push(message);
      return messages;
    },
    storedEvents: (owner, kind) =>
      storedMessages<PrismEvent>(
        bus.jsm,
        streamName(infra.subjectPrefix, owner),
        (event) => event.type === `prism.${kind}`,
      ),
    async stop() {
      for (const client of [strategy, profiles, spaces, segments]) client.close();
      await bus.close();
      await service.stop();
      await profileService.stop();
      await strategyService.stop();
      const mongo = await MongoClient.connect(infra.mongoUrl);
      for (const db of databases) await mongo.db(db).dropDatabase();
      await mongo.close();
      await infra.cleanup();
    },
  };
}

/** Promise form of a generated client's unary method. */
export function call<Req, Res>(
  client: StrategyServiceClient | ProfileServiceClient | SegmentGenerationServiceClient,
  method: UnaryMethod<Req, Res>,
  metadata: Metadata,
  request: Req,
): Promise<Res> {
  return callUnary(client, method, metadata, request);
}

/** The gRPC error a call that must fail ends with. */
export const failureOf = (pending: Promise<unknown>) => failureOfAny<ServiceError>(pending);
