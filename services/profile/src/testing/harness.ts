import { credentials, type Metadata } from '@grpc/grpc-js';
import { type Bus, connectBus, type PrismEvent, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { eventually, type IsolatedInfra, isolatedInfra, storedMessages } from '@prism/testing';
import { type RunningProfileService, startProfileService } from '../app.js';
import { type ProfileConfig, profileConfigSchema } from '../config.js';

export const ADMIN_KEY = 'operator-key-for-tests-0001';

export interface ProfileHarness {
  infra: IsolatedInfra;
  service: RunningProfileService;
  profiles: ProfileServiceClient;
  spaces: SpaceServiceClient;
  bus: Bus;
  httpUrl: string;
  /** Creates a space through the API; its write and API keys. */
  createSpace(spaceId: string): Promise<{ writeKey: string; apiKey: string; metadata: Metadata }>;
  /** A Profile API call with the given key's metadata. */
  profileApi<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, metadata: Metadata): Promise<Res>;
  /** Profile events published so far on the space. */
  profileEvents(spaceId: string): Promise<PrismEvent[]>;
  /** Polls until `probe` returns a value (not undefined) or fails after `timeoutMs`. */
  eventually<T>(probe: () => Promise<T | undefined>, timeoutMs?: number): Promise<T>;
  restart(overrides?: Partial<Record<keyof ProfileConfig, string>>): Promise<void>;
  stop(): Promise<void>;
}

/** A real profile service on real NATS and FerretDB, on free ports and a private namespace. */
export async function startProfileHarness(
  overrides: Partial<Record<keyof ProfileConfig, string>> = {},
): Promise<ProfileHarness> {
  const infra = isolatedInfra();
  const env = (more: typeof overrides) =>
    profileConfigSchema.parse({
      NATS_URL: infra.natsUrl,
      MONGO_URL: infra.mongoUrl,
      PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
      PROFILE_DB: infra.dbName,
      PROFILE_GRPC_PORT: '0',
      PROFILE_HTTP_PORT: '0',
      PRISM_ADMIN_KEY: ADMIN_KEY,
      LOG_LEVEL: 'silent',
      ...overrides,
      ...more,
    });
  const logger = createLogger('profile', { level: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' });
  let service = await startProfileService(env({}), logger);
  const clients = () => {
    const address = `127.0.0.1:${service.grpcPort}`;
    return {
      profiles: new ProfileServiceClient(address, credentials.createInsecure()),
      spaces: new SpaceServiceClient(address, credentials.createInsecure()),
    };
  };
  const bus = await connectBus({ servers: infra.natsUrl, name: 'profile-test', prefix: infra.subjectPrefix });
  const harness: ProfileHarness = {
    infra,
    service,
    ...clients(),
    bus,
    httpUrl: `http://127.0.0.1:${service.httpPort}`,
    profileApi: (method, request, metadata) => callUnary(harness.profiles, method, metadata, request),
    async createSpace(spaceId) {
      const request = { spaceId, displayName: spaceId };
      const created = await callUnary(
        harness.spaces,
        harness.spaces.createSpace,
        apiKeyMetadata(ADMIN_KEY),
        request,
      );
      return { writeKey: created.writeKey, apiKey: created.apiKey, metadata: apiKeyMetadata(created.apiKey) };
    },
    profileEvents: (spaceId) =>
      storedMessages<PrismEvent>(
        bus.jsm,
        streamName(infra.subjectPrefix, 'profile'),
        (event) => event.prismspace === spaceId,
      ),
    eventually,
    async restart(more = {}) {
      harness.profiles.close();
      harness.spaces.close();
      await service.stop();
      service = await startProfileService(env(more), logger);
      Object.assign(harness, { service, ...clients(), httpUrl: `http://127.0.0.1:${service.httpPort}` });
    },
    async stop() {
      harness.profiles.close();
      harness.spaces.close();
      await service.stop();
      await bus.close();
      await infra.cleanup();
    },
  };
  return harness;
}
