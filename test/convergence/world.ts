import { streamName } from '@prism/bus';
import { call, keyOf } from '@prism/persona/testing/harness.js';
import { type Api, apiOf, personaSpec } from '@prism/persona/testing/scenario.js';
import { expect, vi } from 'vitest';
import { type ConvergenceHarness, plantPopulation, SPACE, startConvergenceHarness } from './harness.js';
import { PERSONAS_PER_STRATEGY, type Restart, STRATEGIES } from './scenario.js';

/** Enough people for segments (MIN_POPULATION is 30), few enough that a generation stays cheap. */
const PEOPLE = 60;

export interface StrategyFixture {
  id: string;
  personaIds: string[];
}

/** The running services, the API as a frontend calls it, and the strategies every scenario uses. */
export interface World {
  h: ConvergenceHarness;
  api: Api;
  strategies: StrategyFixture[];
}

/** Each campaign follower's durable on the strategy stream, deleted by a replaying restart. */
const CAMPAIGN_DURABLES = { persona: 'persona_campaigns', 'segment-generation': 'segments_campaigns' };

export async function startWorld(): Promise<World> {
  const h = await startConvergenceHarness();
  await plantPopulation(h, PEOPLE);
  const world: World = { h, api: apiOf(h), strategies: [] };
  for (let s = 0; s < STRATEGIES; s++) world.strategies.push(await createStrategy(world, s));
  // The strategy service offers personas only once it has counted them from persona.created.
  await vi.waitFor(
    async () => {
      for (const { id } of world.strategies) {
        expect((await world.api.getStrategy(id)).personaCount).toBe(PERSONAS_PER_STRATEGY);
      }
    },
    { timeout: 10_000, interval: 20 },
  );
  return world;
}

/** A strategy reading its audience from the space's profiles (so segments can be generated), with personas. */
async function createStrategy(world: World, index: number): Promise<StrategyFixture> {
  const { strategyClient: client } = world.h;
  const spec = {
    name: `Strategy ${index}`,
    brand: 'Stride',
    products: [],
    objectives: [],
    profileSpaceId: SPACE,
  };
  const { strategy } = await call(client, client.createStrategy, keyOf(SPACE), { spec });
  const { id } = required(strategy, 'created strategy');
  const personaIds: string[] = [];
  for (let p = 0; p < PERSONAS_PER_STRATEGY; p++) {
    personaIds.push((await world.api.createPersona(personaSpec(id, { name: `S${index} persona ${p}` }))).id);
  }
  return { id, personaIds };
}

/** A graceful restart of a follower on the same database and prefix; see `Restart`. */
export async function restart(world: World, { service, replay }: Restart): Promise<void> {
  const { h } = world;
  const dropDurable = async () => {
    if (replay)
      await h.bus.jsm.consumers.delete(streamName(h.bus.prefix, 'strategy'), CAMPAIGN_DURABLES[service]);
  };
  await h.world.restart(service === 'persona' ? 'persona' : 'segments', dropDurable);
  // The persona API's client is new after its restart.
  world.api = apiOf(h);
}

/** A value that the generated indices or a successful reply guarantee, or a clear failure. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
}

export const personaIdsOf = (strategy: StrategyFixture, indices: number[]) =>
  indices.map((i) => required(strategy.personaIds[i], `persona ${i}`));
