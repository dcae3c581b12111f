import { credentials } from '@grpc/grpc-js';
import { type Bus, connectBus, type OwningService, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { startPersonaService } from '@prism/persona/app';
import { personaConfigSchema } from '@prism/persona/config';
import { API_KEYS, keyOf, type PersonaHarness } from '@prism/persona/testing/harness.js';
import { generatePopulation } from '@prism/population';
import { startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import {
  type GenerateSegmentsRequest,
  type GenerateSegmentsResponse,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningSegmentsService, startSegmentsService } from '@prism/segment-generation/app';
import { segmentsConfigSchema } from '@prism/segment-generation/config';
import { startStrategyService } from '@prism/strategy/app';
import { strategyConfigSchema } from '@prism/strategy/config';
import { eventually, isolatedInfra } from '@prism/testing';

/** The space the scenario runs in; its strategies read their audience from its profile space. */
export const SPACE = 'acme';
const ADMIN_KEY = 'operator-key-for-tests-0001';
const insecure = credentials.createInsecure();

/**
 * Strategy, profile, persona and segment generation in-process on one isolated infra. A superset of
 * the persona harness, so its API helpers (`apiOf`) work on it unchanged.
 */
export interface ConvergenceHarness extends PersonaHarness {
  segments: RunningSegmentsService;
  segmentsClient: SegmentGenerationServiceClient;
  profileClient: ProfileServiceClient;
  /** Creates the scenario space's profile space through the operator API. */
  createProfileSpace(): Promise<void>;
  /** Like `restartPersona`, for the segment-generation service. */
  restartSegments(beforeStart?: () => Promise<void>): Promise<void>;
  /** Runs GenerateSegments to its end: every streamed message, or the error it failed with. */
  generate(request: Partial<GenerateSegmentsRequest>): Promise<GenerateSegmentsResponse[]>;
}

export async function startConvergenceHarness(): Promise<ConvergenceHarness> {
  const infra = isolatedInfra();
  // Each service owns its database (outbox markers, campaign projection); an isolated infra per
  // extra database only for its name and a cleanup that drops it.
  const databases = { persona: isolatedInfra(), profile: isolatedInfra(), segments: isolatedInfra() };
  const common = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: `acme:${API_KEYS.acme},globex:${API_KEYS.globex}`,
    LOG_LEVEL: 'silent',
  };
  const logger = (name: string) =>
    createLogger(name, { level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' });
  const strategy = await startStrategyService(
    strategyConfigSchema.parse({ ...common, STRATEGY_GRPC_PORT: '0', STRATEGY_DB: infra.dbName }),
    logger('strategy'),
  );
  const profile = await startProfileService(
    profileConfigSchema.parse({
      ...common,
      PROFILE_GRPC_PORT: '0',
      PROFILE_HTTP_PORT: '0',
      PROFILE_DB: databases.profile.dbName,
      PRISM_ADMIN_KEY: ADMIN_KEY,
    }),
    logger('profile'),
  );
  const strategyAddress = `127.0.0.1:${strategy.port}`;
  const personaConfig = personaConfigSchema.parse({
    ...common,
    PERSONA_GRPC_PORT: '0',
    PERSONA_DB: databases.persona.dbName,
    STRATEGY_GRPC_ADDR: strategyAddress,
  });
  const segmentsConfig = segmentsConfigSchema.parse({
    ...common,
    SEGMENTS_GRPC_PORT: '0',
    SEGMENTS_DB: databases.segments.dbName,
    STRATEGY_GRPC_ADDR: strategyAddress,
    PROFILE_GRPC_ADDR: `127.0.0.1:${profile.grpcPort}`,
  });
  const startPersona = () => startPersonaService(personaConfig, logger('persona'));
  const startSegments = () => startSegmentsService(segmentsConfig, logger('segment-generation'));
  const persona = await startPersona();
  const segments = await startSegments();
  const bus = await connectBus({
    servers: infra.natsUrl,
    name: 'convergence-test',
    prefix: infra.subjectPrefix,
  });

  const h: ConvergenceHarness = {
    infra,
    persona,
    segments,
    bus,
    strategyClient: new StrategyServiceClient(strategyAddress, insecure),
    profileClient: new ProfileServiceClient(`127.0.0.1:${profile.grpcPort}`, insecure),
    personaClient: new PersonaServiceClient(`127.0.0.1:${persona.port}`, insecure),
    segmentsClient: new SegmentGenerationServiceClient(`127.0.0.1:${segments.port}`, insecure),
    async createProfileSpace() {
      const spaces = new SpaceServiceClient(`127.0.0.1:${profile.grpcPort}`, insecure);
      const request = { spaceId: SPACE, displayName: SPACE };
      await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), request).finally(() =>
        spaces.close(),
      );
    },
    async restartPersona(beforeStart) {
      h.personaClient.close();
      await h.persona.stop();
      await beforeStart?.();
      h.persona = await startPersona();
      h.personaClient = new PersonaServiceClient(`127.0.0.1:${h.persona.port}`, insecure);
    },
    async restartSegments(beforeStart) {
      h.segmentsClient.close();
      await h.segments.stop();
      await beforeStart?.();
      h.segments = await startSegments();
      h.segmentsClient = new SegmentGenerationServiceClient(`127.0.0.1:${h.segments.port}`, insecure);
    },
    async generate(request) {
      const full = { campaignId: '', expectedEpoch: 0, context: '', segmentCount: 0, seed: 0, ...request };
      const messages: GenerateSegmentsResponse[] = [];
      for await (const message of h.segmentsClient.generateSegments(full, keyOf(SPACE))) {
        messages.push(message);
      }
      return messages;
    },
    async stop() {
      for (const client of [h.strategyClient, h.profileClient, h.personaClient, h.segmentsClient]) {
        client.close();
      }
      await bus.close();
      await h.segments.stop();
      await h.persona.stop();
      await profile.stop();
      await strategy.stop();
      await Promise.all([infra, ...Object.values(databases)].map((isolated) => isolated.cleanup()));
    },
  };
  return h;
}

/**
 * Creates the space's profile space and ingests a planted population into it (identify calls
 * through gRPC Ingest), returning once every profile can be exported.
 */
export async function plantPopulation(h: ConvergenceHarness, size: number): Promise<void> {
  await h.createProfileSpace();
  const messages = [...generatePopulation({ seed: 11, size, now: new Date() })].map((person) => ({
    type: 'identify',
    messageId: `identify-${person.id}`,
    userId: person.id,
    traits: { ...person.traits },
  }));
  await callUnary(h.profileClient, h.profileClient.ingest, keyOf(SPACE), { messages });
  await eventually(async () => {
    const exported = h.profileClient.exportProfiles({ traitKeys: ['age'], batchSize: 10_000 }, keyOf(SPACE));
    for await (const batch of exported) return Number(batch.total) === size ? true : undefined;
    return undefined;
  }, 60_000);
}

/** Whether a durable consumer has handled everything in its stream. */
export async function consumerIdle(bus: Bus, owner: OwningService, durable: string): Promise<boolean> {
  const info = await bus.jsm.consumers.info(streamName(bus.prefix, owner), durable);
  return info.num_pending + info.num_ack_pending === 0;
}
