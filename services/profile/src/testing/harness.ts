import type { Metadata } from '@grpc/grpc-js';
import type { Bus, PrismEvent } from '@prism/bus';
import { apiKeyMetadata, callUnary, type UnaryMethod } from '@prism/grpc';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { eventually, type IsolatedInfra } from '@prism/testing';
import { startWorld } from '@prism/testing/world';
import type { RunningProfileService } from '../app.js';
import { createProfileSpace, type ProfileOverrides, profileStarter } from './starter.js';

export { TEST_ADMIN_KEY as ADMIN_KEY } from '@prism/testing/world';

export interface ProfileHarness {
  infra: IsolatedInfra;
  service: RunningProfileService;
  profiles: ProfileServiceClient;
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
  stop(): Promise<void>;
}

/** A real profile service on real NATS and FerretDB, on free ports and a private namespace. */
export async function startProfileHarness(overrides: ProfileOverrides = {}): Promise<ProfileHarness> {
  const world = await startWorld({ profile: profileStarter(overrides) });
  const { profile: profiles } = world.clients;
  const service = world.services.profile;
  return {
    infra: world.infra,
    service,
    profiles,
    bus: world.bus,
    httpUrl: `http://127.0.0.1:${service.httpPort}`,
    profileApi: (method, request, metadata) => callUnary(profiles, method, metadata, request),
    async createSpace(spaceId) {
      const { writeKey, apiKey } = await createProfileSpace(world.addressOf('profile'), spaceId);
      return { writeKey, apiKey, metadata: apiKeyMetadata(apiKey) };
    },
    profileEvents: (spaceId) => world.events('profile', (event) => event.prismspace === spaceId),
    eventually,
    stop: () => world.stop(),
  };
}
