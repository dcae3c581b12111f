import { apiOf, personaSpec, personasCampaign } from '@prism/persona/testing/scenario.js';
import { personaWithAudiencesStarter } from '@prism/persona/testing/starter.js';
import { ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { AudienceApproach, Gender } from '@prism/proto/prism/strategy/v1/strategy';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { eventually } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  harness = await startAudienceWorld({ strategy: strategyStarter, persona: personaWithAudiencesStarter });
  const world = harness.world as unknown as { clients: { persona: never; strategy: never } };
  api = apiOf({ personaClient: world.clients.persona, strategyClient: world.clients.strategy });
}, 60_000);
afterAll(() => harness?.stop());

const people = [
  { userId: 'de-30-f', traits: { age: 30, gender: 'female', address: { country: 'DE', city: 'Berlin' } } },
  { userId: 'de-35-m', traits: { age: 35, gender: 'Male', address: { country: 'DE', city: 'Munich' } } },
  { userId: 'de-60-f', traits: { age: 60, gender: 'female', address: { country: 'DE', city: 'Berlin' } } },
  { userId: 'fr-32-f', traits: { age: 32, gender: 'FEMALE', address: { country: 'FR', city: 'Paris' } } },
];

const campaignAudience = (campaignId: string) =>
  harness.call('acme', (c) => c.getCampaignAudience, { campaignId });

const memberNames = (audience: string) => harness.memberUserIds('acme', audience);

describe('campaign audiences', () => {
  it('materialises selected personas over the space traits and empties the audience at the next epoch', async () => {
    await harness.send(
      'acme',
      people.map((person) => ({ type: 'identify', ...person })),
    );
    await harness.caughtUp();
    const { strategy, campaign } = await personasCampaign(api, 1);
    const women = await api.createPersona(
      personaSpec(strategy.id, {
        name: 'German women 25-40',
        demographics: {
          ageRanges: [{ min: 25, max: 40 }],
          genders: [Gender.GENDER_FEMALE],
          locations: ['DE'],
          incomeBand: '',
          occupation: '',
        },
      }),
    );
    const berliners = await api.createPersona(
      personaSpec(strategy.id, {
        name: 'Berliners',
        demographics: { ageRanges: [], genders: [], locations: ['berlin'], incomeBand: '', occupation: '' },
      }),
    );
    // Listed, each persona says how many people of the space it is (once audience-sync has it).
    const listed = await eventually(async () => {
      const page = await api.listPersonas(strategy.id);
      return page.matching.every((match) => match.known) ? page : undefined;
    });
    const profilesOf = new Map(listed.matching.map((match) => [match.personaId, Number(match.profiles)]));
    expect(listed.matching.map((match) => match.personaId)).toEqual(
      listed.personas.map((persona) => persona.id),
    );
    expect([profilesOf.get(women.id), profilesOf.get(berliners.id)]).toEqual([1, 2]);
    expect(Number(listed.spaceProfiles)).toBe(people.length);
    expect(listed.matching.find((match) => match.personaId === berliners.id)?.ruleDescription).toBe(
      '(address.country in ["berlin", "BERLIN", "Berlin"] or address.city in ["berlin", "BERLIN", "Berlin"])',
    );
    await api.select(campaign.id, [women.id, berliners.id], campaign.epoch);

    const built = await eventually(async () => {
      const found = await campaignAudience(campaign.id);
      const live = found.union?.status?.state === ComputeState.COMPUTE_STATE_LIVE && found.parts.length === 2;
      return live && found.parts.every((part) => part.status?.state === ComputeState.COMPUTE_STATE_LIVE)
        ? found
        : undefined;
    }, 15_000);
    expect(Number(built.epoch)).toBe(campaign.epoch);
    expect(built.parts.map((part) => part.name)).toEqual(['German women 25-40', 'Berliners']);
    expect(built.parts[0]?.rule).toBeDefined();
    expect(await memberNames(built.parts[0]!.id)).toEqual(['de-30-f']);
    expect(await memberNames(built.parts[1]!.id)).toEqual(['de-30-f', 'de-60-f']);
    expect(await memberNames(built.union!.id)).toEqual(['de-30-f', 'de-60-f']);

    // The same two personas in the other order: the parts swap, the union's members stay, so
    // the union publishes no exit and no entry (it is computed once, after all its parts).
    const parisians = await api.createPersona(
      personaSpec(strategy.id, {
        name: 'Parisians',
        demographics: { ageRanges: [], genders: [], locations: ['Paris'], incomeBand: '', occupation: '' },
      }),
    );
    const unionKey = built.union!.key;
    const unionChanges = async () =>
      (await harness.audienceEvents('acme', (event) => event.prismaudience === unionKey)).filter(
        (event) => event.type !== 'prism.audience.computed',
      ).length;
    // Membership events are published after the audience is stored: the count is read once it
    // stopped moving for a second.
    const settledUnionChanges = async () => {
      let last = -1;
      return eventually(async () => {
        const now = await unionChanges();
        const stable = now === last;
        last = now;
        if (!stable) await new Promise((resolve) => setTimeout(resolve, 1_000));
        return stable ? now : undefined;
      }, 15_000);
    };
    const selectAndSettle = async (personaIds: string[], firstPart: string) => {
      await api.select(campaign.id, personaIds, campaign.epoch);
      await eventually(async () => {
        const found = await campaignAudience(campaign.id);
        const settled =
          found.parts[0]?.name === firstPart &&
          found.union?.status?.state === ComputeState.COMPUTE_STATE_LIVE;
        return settled ? true : undefined;
      }, 15_000);
      await harness.caughtUp();
      return settledUnionChanges();
    };
    const changesBefore = await selectAndSettle([parisians.id, women.id], 'Parisians');
    expect(await selectAndSettle([women.id, parisians.id], 'German women 25-40')).toBe(changesBefore);
    expect(await memberNames(built.union!.id)).toEqual(['de-30-f', 'fr-32-f']);

    const switched = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    const emptied = await eventually(async () => {
      const found = await campaignAudience(campaign.id);
      return Number(found.epoch) === switched.epoch &&
        found.union?.status?.state === ComputeState.COMPUTE_STATE_LIVE &&
        found.parts.length === 0
        ? found
        : undefined;
    }, 15_000);
    expect(Number(emptied.union?.size)).toBe(0);
    const unionEvents = await harness.audienceEvents('acme', (event) => event.prismaudience === unionKey);
    const exits = unionEvents.filter(
      (event) => event.type === 'prism.audience.exited' && event.prismepoch === String(switched.epoch),
    );
    // The two members it had (de-30-f and fr-32-f), each once.
    expect(exits).toHaveLength(2);
    expect(exits.map((event) => (event.data as { cause: { kind: string } }).cause.kind)).toEqual([
      'EPOCH',
      'EPOCH',
    ]);
    // Nothing of the older epoch after anything of the newer one, on every audience of the campaign.
    const epochs = (await harness.audienceEvents('acme'))
      .filter((event) => event.prismepoch)
      .map((event) => Number(event.prismepoch));
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
  });
});
