import type { Metadata } from '@grpc/grpc-js';
import type { PrismEvent } from '@prism/bus';
import { createProfileSpace, profileStarter } from '@prism/profile/testing/starter.js';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import type {
  GenerateSegmentsRequest,
  GenerateSegmentsResponse,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import type { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { ofKind, startWorld, type TestSpace } from '@prism/testing/world';
import { segmentsStarter } from './starter.js';

export { callUnary as call } from '@prism/grpc';
export { keyOf, rpcFailureOf as failureOf } from '@prism/testing/world';

export interface SegmentsHarness {
  strategy: StrategyServiceClient;
  profiles: ProfileServiceClient;
  segments: SegmentGenerationServiceClient;
  /** Creates the profile space of a test space through the operator API. */
  createProfileSpace(spaceId: TestSpace): Promise<void>;
  /** Runs GenerateSegments to its end: every streamed message, or the error it failed with. */
  generate(
    request: Partial<GenerateSegmentsRequest>,
    metadata: Metadata,
  ): Promise<GenerateSegmentsResponse[]>;
  /** Every `prism.<kind>` event in a service's stream so far. */
  storedEvents(service: 'segments' | 'strategy', kind: string): Promise<PrismEvent[]>;
  stop(): Promise<void>;
}

/** Real strategy, profile and segment-generation services, each with its own database. */
export async function startSegmentsHarness(): Promise<SegmentsHarness> {
  const world = await startWorld({
    strategy: strategyStarter,
    profile: profileStarter(),
    segments: segmentsStarter,
  });
  const { strategy, profile: profiles, segments } = world.clients;
  return {
    strategy,
    profiles,
    segments,
    async createProfileSpace(spaceId) {
      await createProfileSpace(world.addressOf('profile'), spaceId);
    },
    generate: (request, metadata) => generateSegments(segments, request, metadata),
    storedEvents: (owner, kind) => world.events(owner, ofKind(kind)),
    stop: () => world.stop(),
  };
}

/** Runs GenerateSegments to its end: every streamed message, or the error it failed with. */
export async function generateSegments(
  client: SegmentGenerationServiceClient,
  request: Partial<GenerateSegmentsRequest>,
  metadata: Metadata,
): Promise<GenerateSegmentsResponse[]> {
  const full = { campaignId: '', expectedEpoch: 0, context: '', segmentCount: 0, seed: 0, ...request };
  const messages: GenerateSegmentsResponse[] = [];
  for await (const message of client.generateSegments(full, metadata)) messages.push(message);
  return messages;
}
