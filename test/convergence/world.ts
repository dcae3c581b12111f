import { audienceHarness } from '@prism/audience-sync/testing/harness.js';
import { type OwningService, streamName } from '@prism/bus';
import { call, keyOf } from '@prism/persona/testing/harness.js';
import { type Api, apiOf, personaSpec } from '@prism/persona/testing/scenario.js';
import type { PersonaDemographics } from '@prism/proto/prism/persona/v1/persona';
import { Gender } from '@prism/proto/prism/strategy/v1/strategy';
import { expect, vi } from 'vitest';
import { type ConvergenceHarness, plantPopulation, SPACE, startConvergenceHarness } from './harness.js';
import { type Follower, PERSONAS_PER_STRATEGY, type Restart, STRATEGIES } from './scenario.js';

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

/** audience-sync's durables of campaign history. */
export const AUDIENCE_CAMPAIGN_DURABLES: [OwningService, string][] = [
  ['strategy', 'audience_campaigns'],
  ['persona', 'audience_persona_selections'],
  ['segments', 'audience_segment_selections'],
  ['persona', 'audience_personas'],
];

/** Each follower's name in the world and its durables of campaign history, deleted by a replaying restart. */
const FOLLOWED: Record<
  Follower,
  { name: 'persona' | 'segments' | 'audience-sync'; durables: [OwningService, string][] }
> = {
  persona: { name: 'persona', durables: [['strategy', 'persona_campaigns']] },
  'segment-generation': { name: 'segments', durables: [['strategy', 'segments_campaigns']] },
  'audience-sync': { name: 'audience-sync', durables: AUDIENCE_CAMPAIGN_DURABLES },
};

export async function startWorld(): Promise<World> {
  const h = await startConvergenceHarness();
  await plantPopulation(h, PEOPLE);
  // audience-sync mirrors the population once; later restarts replay it before they serve.
  await audienceHarness(h.world).caughtUp();
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
export async function createStrategy(world: World, index: number): Promise<StrategyFixture> {
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
    const spec = personaSpec(id, { name: `S${index} persona ${p}`, demographics: demographicsOf(index, p) });
    personaIds.push((await world.api.createPersona(spec)).id);
  }
  return { id, personaIds };
}

/**
 * A different audience for each persona, over traits the planted population has where the
 * default trait mapping reads them (age, gender; its places are top-level `country` and `city`,
 * not Segment's `address`), so the campaign audience's parts differ and are not empty.
 */
function demographicsOf(strategy: number, persona: number): PersonaDemographics {
  const none = { ageRanges: [], genders: [], locations: [], incomeBand: '', occupation: '' };
  const older = 5 * strategy;
  const personas: PersonaDemographics[] = [
    { ...none, ageRanges: [{ min: 25 + older, max: 45 + older }], genders: [Gender.GENDER_FEMALE] },
    {
      ...none,
      ageRanges: [
        { min: 18, max: 30 + older },
        { min: 55, max: 90 },
      ],
    },
    { ...none, genders: [Gender.GENDER_MALE, Gender.GENDER_NON_BINARY] },
  ];
  return required(personas[persona], `demographics of persona ${persona}`);
}

/** A graceful restart of a follower on the same database and prefix; see `Restart`. */
export async function restart(world: World, { service, replay }: Restart): Promise<void> {
  const { h } = world;
  const { name, durables } = FOLLOWED[service];
  const dropDurables = async () => {
    if (!replay) return;
    for (const [owner, durable] of durables)
      await h.bus.jsm.consumers.delete(streamName(h.bus.prefix, owner), durable);
  };
  await h.world.restart(name, dropDurables);
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
