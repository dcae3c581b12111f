import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { Gender } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf, type PersonaHarness, startPersonaHarness, storedEvents } from './testing/harness.js';
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

const fieldsOf = (error: Parameters<typeof readErrorDetails>[0]) =>
  readErrorDetails(error).fieldViolations.map((v) => v.field);

describe('personas over gRPC', () => {
  it('creates a persona for a strategy created a moment ago and reads it back', async () => {
    const strategy = await api.createStrategy();
    const created = await api.createPersona(
      personaSpec(strategy.id, {
        demographics: {
          ageRanges: [{ min: 30, max: 45 }],
          genders: [Gender.GENDER_FEMALE],
          locations: ['AT'],
          incomeBand: '50-75k EUR',
          occupation: 'nurse',
        },
      }),
    );
    expect(created).toMatchObject({
      version: 1,
      spec: { strategyId: strategy.id, name: 'Weekend trail runner' },
    });
    expect(await api.getPersona(created.id)).toEqual(created);
  });

  it('refuses a persona for an unknown strategy with STRATEGY_NOT_FOUND', async () => {
    const error = await failureOf(api.createPersona(personaSpec('strat_nope')));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(error).preconditionReasons).toEqual(['STRATEGY_NOT_FOUND']);
  });

  it('refuses a persona for a deleted strategy once its deletion event arrived', async () => {
    const strategy = await api.createStrategy('Short-lived');
    await api.deleteStrategy(strategy.id);
    // Until strategy.deleted is consumed the projection may still know the strategy as live.
    await expect
      .poll(async () => {
        const outcome = await api.createPersona(personaSpec(strategy.id)).catch((error) => error);
        return readErrorDetails(outcome).preconditionReasons;
      })
      .toEqual(['STRATEGY_NOT_FOUND']);
  });

  it('names every invalid field by its proto path', async () => {
    const strategy = await api.createStrategy();
    const error = await failureOf(
      api.createPersona(
        personaSpec(strategy.id, {
          name: ' ',
          goals: Array.from({ length: 21 }, (_, i) => `goal ${i}`),
          painPoints: ['x'.repeat(301)],
          tone: 't'.repeat(201),
          demographics: {
            ageRanges: [{ min: 50, max: 20 }],
            genders: [99 as Gender],
            locations: [],
            incomeBand: '',
            occupation: '',
          },
        }),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldsOf(error).sort()).toEqual([
      'spec.demographics.age_ranges[0].max',
      'spec.demographics.genders[0]',
      'spec.goals',
      'spec.name',
      'spec.pain_points[0]',
      'spec.tone',
    ]);
  });

  it('lists the personas of one strategy in pages', async () => {
    const strategy = await api.createStrategy();
    const other = await api.createStrategy('Other');
    for (const name of ['A', 'B', 'C']) await api.createPersona(personaSpec(strategy.id, { name }));
    await api.createPersona(personaSpec(other.id, { name: 'Elsewhere' }));
    const first = await api.listPersonas(strategy.id, 2);
    const second = await api.listPersonas(strategy.id, 2, first.nextPageToken);
    expect(first.personas.map((p) => p.spec?.name)).toEqual(['A', 'B']);
    expect(second.personas.map((p) => p.spec?.name)).toEqual(['C']);
    expect(second.nextPageToken).toBe('');
  });

  it('lists personas without their profile counts, saying why, when audience-sync does not answer', async () => {
    const strategy = await api.createStrategy();
    await api.createPersona(personaSpec(strategy.id, { name: 'Alone' }));
    const listed = await api.listPersonas(strategy.id);
    expect(listed.personas.map((p) => p.spec?.name)).toEqual(['Alone']);
    expect(listed.matching).toEqual([]);
    expect(listed.matchingUnavailable).toMatch(/^audience-sync did not count the personas' profiles: /);
  });

  it('replaces a persona at the expected version and refuses a stale one as ABORTED', async () => {
    const strategy = await api.createStrategy();
    const persona = await api.createPersona(personaSpec(strategy.id));
    const updated = await api.updatePersona(
      persona.id,
      personaSpec(strategy.id, { name: 'Renamed', goals: [] }),
      1,
    );
    expect(updated).toMatchObject({ version: 2, spec: { name: 'Renamed', goals: [] } });
    const stale = await failureOf(api.updatePersona(persona.id, personaSpec(strategy.id), 1));
    expect(stale.code).toBe(status.ABORTED);
  });

  it('keeps a persona on its strategy: changing strategy_id is INVALID_ARGUMENT', async () => {
    const strategy = await api.createStrategy();
    const other = await api.createStrategy('Other');
    const persona = await api.createPersona(personaSpec(strategy.id));
    const error = await failureOf(api.updatePersona(persona.id, personaSpec(other.id)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldsOf(error)).toEqual(['spec.strategy_id']);
  });

  it('publishes created and updated events carrying the demographics, then deleted', async () => {
    const strategy = await api.createStrategy();
    const persona = await api.createPersona(
      personaSpec(strategy.id, {
        demographics: {
          ageRanges: [{ min: 28, max: 40 }],
          genders: [Gender.GENDER_FEMALE, Gender.GENDER_NON_BINARY],
          locations: ['DE', 'AT'],
          incomeBand: '50-75k EUR',
          occupation: 'nurse',
        },
      }),
    );
    await api.updatePersona(
      persona.id,
      personaSpec(strategy.id, {
        name: 'Renamed',
        demographics: {
          ageRanges: [
            { min: 18, max: 24 },
            { min: 55, max: 64 },
          ],
          genders: [Gender.GENDER_MALE],
          locations: ['CH'],
          incomeBand: '75-100k EUR',
          occupation: 'engineer',
        },
      }),
    );
    await api.deletePersona(persona.id);
    expect((await failureOf(api.getPersona(persona.id))).code).toBe(status.NOT_FOUND);
    const changed = { personaId: persona.id, strategyId: strategy.id };
    await expect
      .poll(async () => {
        const kinds = ['persona.created', 'persona.updated', 'persona.deleted'];
        const events = await Promise.all(kinds.map((kind) => storedEvents(h, 'persona', kind)));
        return events.map((list) => list.filter((e) => e.subject === persona.id).map((e) => e.data));
      })
      .toEqual([
        [
          {
            ...changed,
            name: 'Weekend trail runner',
            version: 1,
            demographics: {
              ageRanges: [{ min: 28, max: 40 }],
              genders: ['GENDER_FEMALE', 'GENDER_NON_BINARY'],
              locations: ['DE', 'AT'],
              incomeBand: '50-75k EUR',
              occupation: 'nurse',
            },
          },
        ],
        [
          {
            ...changed,
            name: 'Renamed',
            version: 2,
            demographics: {
              ageRanges: [
                { min: 18, max: 24 },
                { min: 55, max: 64 },
              ],
              genders: ['GENDER_MALE'],
              locations: ['CH'],
              incomeBand: '75-100k EUR',
              occupation: 'engineer',
            },
          },
        ],
        [{ personaId: persona.id, strategyId: strategy.id, version: 3 }],
      ]);
  });

  it('hides a space’s personas from another space’s key', async () => {
    const strategy = await api.createStrategy();
    const persona = await api.createPersona(personaSpec(strategy.id));
    expect((await failureOf(api.getPersona(persona.id, 'globex'))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(api.deletePersona(persona.id, 'globex'))).code).toBe(status.NOT_FOUND);
    const foreign = await failureOf(api.createPersona(personaSpec(strategy.id), 'globex'));
    expect(readErrorDetails(foreign).preconditionReasons).toEqual(['STRATEGY_NOT_FOUND']);
  });
});
