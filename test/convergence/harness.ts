import { audienceStarter } from '@prism/audience-sync/testing/starter.js';
import type { Bus } from '@prism/bus';
import { callUnary } from '@prism/grpc';
import { personaStarter } from '@prism/persona/testing/starter.js';
import { generatePopulation } from '@prism/population';
import { createProfileSpace, profileStarter } from '@prism/profile/testing/starter.js';
import type { GenerateSegmentsRequest } from '@prism/proto/prism/segments/v1/segments';
import { generateSegments } from '@prism/segment-generation/testing/harness.js';
import { segmentsStarter } from '@prism/segment-generation/testing/starter.js';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { eventually } from '@prism/testing';
import { keyOf, startWorld, type World } from '@prism/testing/world';

/** The space the scenario runs in; its strategies read their audience from its profile space. */
export const SPACE = 'acme';

const starters = {
  strategy: strategyStarter,
  profile: profileStarter(),
  persona: personaStarter,
  segments: segmentsStarter,
  'audience-sync': audienceStarter,
};

export type ConvergenceWorld = World<typeof starters>;

/**
 * Strategy, profile, persona, segment generation and audience-sync in-process on one isolated
 * infra, named as the persona harness names its parts, so its API helpers (`apiOf`) work on it
 * unchanged. The followers' parts are read through the world, which a restart updates.
 */
export interface ConvergenceHarness {
  world: ConvergenceWorld;
  readonly persona: ConvergenceWorld['services']['persona'];
  readonly segments: ConvergenceWorld['services']['segments'];
  readonly personaClient: ConvergenceWorld['clients']['persona'];
  strategyClient: ConvergenceWorld['clients']['strategy'];
  profileClient: ConvergenceWorld['clients']['profile'];
  bus: Bus;
  /** Runs GenerateSegments to its end: every streamed message, or the error it failed with. */
  generate(request: Partial<GenerateSegmentsRequest>): ReturnType<typeof generateSegments>;
  stop(): Promise<void>;
}

export async function startConvergenceHarness(): Promise<ConvergenceHarness> {
  const world = await startWorld(starters);
  return {
    world,
    get persona() {
      return world.services.persona;
    },
    get segments() {
      return world.services.segments;
    },
    get personaClient() {
      return world.clients.persona;
    },
    strategyClient: world.clients.strategy,
    profileClient: world.clients.profile,
    bus: world.bus,
    generate: (request) => generateSegments(world.clients.segments, request, keyOf(SPACE)),
    stop: () => world.stop(),
  };
}

/**
 * Creates the space's profile space and ingests a planted population into it (identify calls
 * through gRPC Ingest), returning once every profile can be exported.
 */
export async function plantPopulation(h: ConvergenceHarness, size: number): Promise<void> {
  await createProfileSpace(h.world.addressOf('profile'), SPACE);
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
