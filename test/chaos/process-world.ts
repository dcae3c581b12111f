import { type Bus, type OwningService, streamName } from '@prism/bus';
import { personaService } from '@prism/persona/app';
import { apiOf } from '@prism/persona/testing/scenario.js';
import { segmentsService } from '@prism/segment-generation/app';
import { generateSegments } from '@prism/segment-generation/testing/harness.js';
import { connectMongo, type MongoConnection } from '@prism/store';
import { keyOf } from '@prism/testing/world';
import { expect, vi } from 'vitest';
import type { ConvergenceHarness } from '../convergence/harness.js';
import { PERSONAS_PER_STRATEGY, STRATEGIES } from '../convergence/scenario.js';
import { createStrategy, type World } from '../convergence/world.js';
import type { ChaosCluster } from './cluster.js';
import { SPACE } from './cluster.js';

/**
 * The convergence test's `World` over service processes, so its clicks (`runStep`) and its
 * agreement (`convergence`, `assertConverged`) run unchanged on the chaos run. Those read the
 * followers' projections and outboxes from their databases, the streams through the test's own
 * bus and everything else through the services' APIs: this gives them exactly that.
 */
export interface ProcessWorld {
  world: World;
  close(): Promise<void>;
}

export async function processWorld(cluster: ChaosCluster, mongoUrl: string, bus: Bus): Promise<ProcessWorld> {
  const connections: MongoConnection[] = [];
  const databaseOf = async (name: string) => {
    const connection = await connectMongo(mongoUrl, name);
    connections.push(connection);
    return connection.db;
  };
  const { clients } = cluster;
  const parts = {
    bus,
    persona: { repos: await personaService.openRepositories(await databaseOf('chaos_persona')) },
    segments: { repos: await segmentsService.openRepositories(await databaseOf('chaos_segments')) },
    personaClient: clients.persona,
    strategyClient: clients.strategy,
    profileClient: clients.profile,
    world: {
      clients: { 'audience-sync': clients.audience, segments: clients.segments },
      async consumerIdle(owner: OwningService, durable: string) {
        const info = await bus.jsm.consumers.info(streamName(bus.prefix, owner), durable);
        return info.num_pending + info.num_ack_pending === 0;
      },
    },
    generate: (request: Parameters<ConvergenceHarness['generate']>[0]) =>
      generateSegments(clients.segments, request, keyOf(SPACE)),
  };
  // What the agreement reads of an in-process harness, and nothing else, is in `parts`.
  const world: World = { h: parts as unknown as ConvergenceHarness, api: apiOf(parts), strategies: [] };
  for (let s = 0; s < STRATEGIES; s++) world.strategies.push(await createStrategy(world, s));
  // The strategy service offers personas only once it has counted them from persona.created.
  await vi.waitFor(
    async () => {
      for (const { id } of world.strategies)
        expect((await world.api.getStrategy(id)).personaCount).toBe(PERSONAS_PER_STRATEGY);
    },
    { timeout: 30_000, interval: 50 },
  );
  return {
    world,
    close: async () => {
      await Promise.all(connections.map((connection) => connection.close()));
    },
  };
}
