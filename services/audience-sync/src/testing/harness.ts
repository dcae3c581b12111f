import { credentials } from '@grpc/grpc-js';
import { type PrismEvent, streamName } from '@prism/bus';
import { callUnary, type UnaryMethod } from '@prism/grpc';
import { profileStarter } from '@prism/profile/testing/starter.js';
import {
  type Audience,
  type AudienceServiceClient,
  ComputeState,
} from '@prism/proto/prism/audience/v1/audience';
import { DestinationServiceClient } from '@prism/proto/prism/audience/v1/destinations';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { eventually } from '@prism/testing';
import { keyOf, type ServiceStarter, startWorld, type TestSpace, type World } from '@prism/testing/world';
import { PROFILE_DURABLE } from '../live/profile-feed.js';
import { audienceStarter } from './starter.js';

/** A tracking message as Segment's spec writes it (identify, track, alias). */
export type TrackingMessage = Record<string, unknown>;

/**
 * audience-sync with the services it follows (profile, and any others a test adds: strategy,
 * persona, segment-generation for campaign audiences) in one test world.
 */
export async function startAudienceWorld<Extra extends Record<string, ServiceStarter>>(extra?: Extra) {
  const world = await startWorld({
    profile: profileStarter(),
    'audience-sync': audienceStarter,
    ...(extra ?? ({} as Extra)),
  });
  return audienceHarness(world);
}

export function audienceHarness<
  W extends World<{ profile: ServiceStarter; 'audience-sync': typeof audienceStarter }>,
>(world: W) {
  const audiences = () => world.clients['audience-sync'] as AudienceServiceClient;
  const profiles = () => world.clients.profile as unknown as ProfileServiceClient;
  let destinationClient: DestinationServiceClient | undefined;
  return {
    world,
    audiences,
    /** An AudienceService call with a test space's key. */
    call<Req, Res>(
      space: TestSpace,
      method: (client: AudienceServiceClient) => UnaryMethod<Req, Res>,
      request: Req,
    ) {
      const client = audiences();
      return callUnary(client, method(client), keyOf(space), request);
    },
    /** A DestinationService call with a test space's key (same address as AudienceService). */
    destinationApi<Req, Res>(
      space: TestSpace,
      method: (client: DestinationServiceClient) => UnaryMethod<Req, Res>,
      request: Req,
    ) {
      destinationClient ??= new DestinationServiceClient(
        world.addressOf('audience-sync'),
        credentials.createInsecure(),
      );
      return callUnary(destinationClient, method(destinationClient), keyOf(space), request);
    },
    /** The custom audience a Meta destination created on Meta, once it has remembered it. */
    customAudienceOf(space: TestSpace, destinationId: string) {
      return eventually(async () => {
        const { destination } = await this.destinationApi(space, (c) => c.getDestination, { destinationId });
        const settings = destination?.spec?.settings;
        return settings?.$case === 'meta' && settings.value.customAudienceId
          ? settings.value.customAudienceId
          : undefined;
      });
    },
    /** A ProfileService call with a test space's key. */
    profileApi<Req, Res>(
      space: TestSpace,
      method: (client: ProfileServiceClient) => UnaryMethod<Req, Res>,
      request: Req,
    ) {
      const client = profiles();
      return callUnary(client, method(client), keyOf(space), request);
    },
    /** Sends tracking messages to the profile service (gRPC Ingest) and waits until they are accepted. */
    async send(space: TestSpace, messages: TrackingMessage[]) {
      const client = profiles();
      return callUnary(client, client.ingest, keyOf(space), { messages });
    },
    /** audience.* events of a space, oldest first. */
    audienceEvents(space: string, keep: (event: PrismEvent) => boolean = () => true) {
      return world.events('audience', (event) => event.prismspace === space && keep(event));
    },
    /** Waits until the audience is live (computed) and answers it. */
    async live(space: TestSpace, audience: string, timeoutMs = 15_000): Promise<Audience> {
      return eventually(async () => {
        const client = audiences();
        const { audience: found } = await callUnary(client, client.getAudience, keyOf(space), { audience });
        return found?.status?.state === ComputeState.COMPUTE_STATE_LIVE ? found : undefined;
      }, timeoutMs);
    },
    /** The first 1,000 members of an audience. */
    async memberPage(space: TestSpace, audience: string) {
      const client = audiences();
      const page = await callUnary(client, client.listMembers, keyOf(space), {
        audience,
        pageSize: 1000,
        pageToken: '',
        sortBy: '',
        descending: false,
      });
      return page.members;
    },
    /** Member profile ids of an audience. */
    async members(space: TestSpace, audience: string): Promise<string[]> {
      return (await this.memberPage(space, audience)).map((member) => member.profileId);
    },
    /** The user ids of an audience's members, sorted. */
    async memberUserIds(space: TestSpace, audience: string): Promise<string[]> {
      const members = await this.memberPage(space, audience);
      return members
        .map((member) => member.identifiers.find((id) => id.type === 'user_id')?.value ?? '')
        .sort();
    },
    /**
     * Resolves once everything sent so far is applied: the profile service has ingested it and
     * audience-sync has consumed the profile events that followed. Bounded generously: with the
     * whole suite on two cores, 200 identifies once took longer than 15 s to be applied.
     */
    caughtUp: () =>
      eventually(async () => {
        const { jsm } = world.bus;
        const prefix = world.infra.subjectPrefix;
        const ingest = await jsm.consumers.info(streamName(prefix, 'ingest'), 'profile-ingest');
        if (ingest.num_pending + ingest.num_ack_pending > 0) return undefined;
        return (await world.consumerIdle('profile', PROFILE_DURABLE)) ? true : undefined;
      }, 45_000),
    stop: () => {
      destinationClient?.close();
      return world.stop();
    },
  };
}

export type AudienceHarness = ReturnType<typeof audienceHarness>;

/** `{ type, key }` of audience events, for compact assertions. */
export const summarise = (events: PrismEvent[]) =>
  events.map((event) => {
    const data = event.data as { audienceKey: string; profileId?: string; cause?: { kind: string } };
    return `${event.type.replace('prism.audience.', '')} ${data.audienceKey}${data.profileId ? ` ${data.profileId}` : ''}`;
  });
