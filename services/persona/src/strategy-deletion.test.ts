import { type ServiceError, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consumerIdle,
  failureOf,
  type PersonaHarness,
  startPersonaHarness,
  storedEvents,
} from './testing/harness.js';
import { type Api, apiOf, personaSpec } from './testing/scenario.js';

let h: PersonaHarness;
let api: Api;
beforeAll(async () => {
  h = await startPersonaHarness();
  api = apiOf(h);
});
afterAll(async () => {
  await h?.stop();
});

/** A strategy the persona service's projection already knows as live. */
async function knownStrategy(name = 'Doomed') {
  const strategy = await api.createStrategy(name);
  await expect.poll(() => consumerIdle(h, 'strategy', 'persona_strategies')).toBe(true);
  return strategy;
}

const livePersonaIds = async (strategyId: string) =>
  (await api.listPersonas(strategyId)).personas.map((persona) => persona.id);

describe('personas of a deleted strategy', () => {
  it('retires every persona of a deleted strategy, each with its persona.deleted event', async () => {
    const strategy = await knownStrategy();
    const kept = await knownStrategy('Kept');
    const doomed = [
      await api.createPersona(personaSpec(strategy.id, { name: 'One' })),
      await api.createPersona(personaSpec(strategy.id, { name: 'Two' })),
    ];
    const survivor = await api.createPersona(personaSpec(kept.id));
    await api.deleteStrategy(strategy.id);
    await expect.poll(() => livePersonaIds(strategy.id)).toEqual([]);
    for (const persona of doomed) {
      expect((await failureOf(api.getPersona(persona.id))).code).toBe(status.NOT_FOUND);
    }
    await expect
      .poll(async () => (await storedEvents(h, 'persona', 'persona.deleted')).map((event) => event.subject))
      .toEqual(expect.arrayContaining(doomed.map((persona) => persona.id)));
    expect(await livePersonaIds(kept.id)).toEqual([survivor.id]);
  });

  it('leaves no persona of a deleted strategy, however creations and the deletion interleave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 30 }),
        async (creationDelays, deletionDelay) => {
          const strategy = await knownStrategy();
          const after = (ms: number, work: () => Promise<unknown>) =>
            new Promise((resolve) => setTimeout(resolve, ms)).then(work).catch((error) => error);
          const outcomes = await Promise.all([
            after(deletionDelay, () => api.deleteStrategy(strategy.id)),
            ...creationDelays.map((ms) => after(ms, () => api.createPersona(personaSpec(strategy.id)))),
          ]);
          for (const outcome of outcomes.slice(1)) {
            if (outcome instanceof Error)
              expect(readErrorDetails(outcome as ServiceError).preconditionReasons).toEqual([
                'STRATEGY_NOT_FOUND',
              ]);
          }
          await expect.poll(() => livePersonaIds(strategy.id), { timeout: 10_000 }).toEqual([]);
        },
      ),
      { numRuns: 6 },
    );
  });
});
