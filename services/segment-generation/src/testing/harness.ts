import type { Metadata } from '@grpc/grpc-js';
import type { PrismEvent } from '@prism/bus';
import { callUnary } from '@prism/grpc';
import { createProfileSpace, profileStarter } from '@prism/profile/testing/starter.js';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import type {
  GenerateSegmentsRequest,
  GenerateSegmentsResponse,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import { AudienceApproach, type StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { eventually } from '@prism/testing';
import { ofKind, startWorld, type TestSpace } from '@prism/testing/world';
import { segmentsStarter } from './starter.js';

export { callUnary as call } from '@prism/grpc';
export { keyOf, rpcFailureOf as failureOf } from '@prism/testing/world';

export interface SegmentsHarness {
  strategy: StrategyServiceClient;
  profiles: ProfileServiceClient;
  segments: SegmentGenerationServiceClient;
  /** Creates the profile space of a test space through the operator API; its first write key. */
  createProfileSpace(spaceId: TestSpace): Promise<{ writeKey: string }>;
  /** The profile service's HTTP Tracking API, where Segment's SDKs send. */
  trackingUrl: string;
  /** A campaign of a new strategy linking `profileSpaceId`, switched to AI segments; its id and epoch. */
  aiCampaign(
    metadata: Metadata,
    audience: { profileSpaceId: string; painPoints: string[] },
  ): Promise<{ campaignId: string; epoch: number }>;
  /** Resolves once the space of `metadata` holds `count` live profiles. */
  profilesIngested(metadata: Metadata, count: number): Promise<void>;
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
      const { writeKey } = await createProfileSpace(world.addressOf('profile'), spaceId);
      return { writeKey };
    },
    trackingUrl: `http://127.0.0.1:${world.services.profile.httpPort}`,
    aiCampaign: (metadata, audience) => aiCampaign(strategy, metadata, audience),
    async profilesIngested(metadata, count) {
      await eventually(async () => {
        for await (const batch of profiles.exportProfiles(
          { traitKeys: ['email'], batchSize: 10_000 },
          metadata,
        )) {
          return Number(batch.total) === count ? true : undefined;
        }
        return undefined;
      }, 60_000);
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

async function aiCampaign(
  strategy: StrategyServiceClient,
  metadata: Metadata,
  { profileSpaceId, painPoints }: { profileSpaceId: string; painPoints: string[] },
) {
  const created = await callUnary(strategy, strategy.createStrategy, metadata, {
    spec: {
      name: 'Spring range',
      brand: 'Prism Outdoor',
      products: ['running shoes', 'smart watch'],
      objectives: ['grow repeat purchases'],
      targetAudience: {
        ageRanges: [],
        genders: [],
        locations: [],
        interests: [],
        behaviours: [],
        painPoints,
      },
      profileSpaceId,
    },
  });
  const { campaign } = await callUnary(strategy, strategy.createCampaign, metadata, {
    name: 'Spring launch',
  });
  const campaignId = campaign?.id ?? '';
  const selected = await callUnary(strategy, strategy.selectStrategy, metadata, {
    campaignId,
    strategyId: created.strategy?.id ?? '',
    expectedEpoch: campaign?.epoch ?? 0,
  });
  const switched = await callUnary(strategy, strategy.setAudienceApproach, metadata, {
    campaignId,
    approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
    expectedEpoch: selected.campaign?.epoch ?? 0,
  });
  return { campaignId, epoch: switched.campaign?.epoch ?? 0 };
}
