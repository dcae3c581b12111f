import type { PersonaSpec } from '@prism/proto/prism/persona/v1/persona';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { expect, vi } from 'vitest';
import { type API_KEYS, call, keyOf, type PersonaHarness } from './harness.js';

type Space = keyof typeof API_KEYS;

export const personaSpec = (strategyId: string, overrides: Partial<PersonaSpec> = {}): PersonaSpec => ({
  strategyId,
  name: 'Weekend trail runner',
  summary: 'Runs long on Saturdays, buys gear twice a year.',
  demographics: {
    ageRanges: [{ min: 28, max: 40 }],
    genders: [],
    locations: ['DE'],
    incomeBand: '',
    occupation: '',
  },
  goals: ['first ultra'],
  motivations: ['nature'],
  painPoints: ['blisters'],
  preferredChannels: ['instagram'],
  tone: 'direct, expert, no hype',
  ...overrides,
});

/** The two services' APIs as the tests use them, each call made with a space's key. */
export function apiOf(h: Pick<PersonaHarness, 'personaClient' | 'strategyClient'>) {
  const p = h.personaClient;
  const s = h.strategyClient;
  return {
    createStrategy: (name = 'Spring running push', as: Space = 'acme') =>
      call(s, s.createStrategy, keyOf(as), {
        spec: { name, brand: 'Stride', products: [], objectives: [], profileSpaceId: '' },
      }).then((r) => r.strategy!),
    getStrategy: (strategyId: string) =>
      call(s, s.getStrategy, keyOf('acme'), { strategyId }).then((r) => r.strategy!),
    deleteStrategy: (strategyId: string, as: Space = 'acme') =>
      call(s, s.deleteStrategy, keyOf(as), { strategyId, expectedVersion: 0 }),
    createCampaign: (as: Space = 'acme') =>
      call(s, s.createCampaign, keyOf(as), { name: 'Spring launch' }).then((r) => r.campaign!),
    selectStrategy: (campaignId: string, strategyId: string, expectedEpoch: number) =>
      call(s, s.selectStrategy, keyOf('acme'), { campaignId, strategyId, expectedEpoch }).then(
        (r) => r.campaign!,
      ),
    setApproach: (campaignId: string, approach: AudienceApproach, expectedEpoch: number) =>
      call(s, s.setAudienceApproach, keyOf('acme'), { campaignId, approach, expectedEpoch }).then(
        (r) => r.campaign!,
      ),
    createPersona: (spec: PersonaSpec, as: Space = 'acme') =>
      call(p, p.createPersona, keyOf(as), { spec }).then((r) => r.persona!),
    getPersona: (personaId: string, as: Space = 'acme') =>
      call(p, p.getPersona, keyOf(as), { personaId }).then((r) => r.persona!),
    listPersonas: (strategyId: string, pageSize = 0, pageToken = '') =>
      call(p, p.listPersonas, keyOf('acme'), { strategyId, pageSize, pageToken }),
    updatePersona: (personaId: string, spec: PersonaSpec, expectedVersion = 0) =>
      call(p, p.updatePersona, keyOf('acme'), { personaId, spec, expectedVersion }).then((r) => r.persona!),
    deletePersona: (personaId: string, as: Space = 'acme') =>
      call(p, p.deletePersona, keyOf(as), { personaId, expectedVersion: 0 }),
    select: (campaignId: string, personaIds: string[], expectedEpoch: number, as: Space = 'acme') =>
      call(p, p.selectCampaignPersonas, keyOf(as), { campaignId, personaIds, expectedEpoch }).then(
        (r) => r.selection!,
      ),
    selection: (campaignId: string, as: Space = 'acme') =>
      call(p, p.getCampaignPersonas, keyOf(as), { campaignId }).then((r) => r.selection!),
    audienceSelection: (campaignId: string) =>
      call(s, s.getCampaignAudienceSelection, keyOf('acme'), { campaignId }),
  };
}

export type Api = ReturnType<typeof apiOf>;

/** A strategy with `personaCount` (≥ 1) personas and a campaign on it at step 3 = personas. */
export async function personasCampaign(api: Api, personaCount = 5) {
  const strategy = await api.createStrategy();
  const personas = [];
  for (let i = 0; i < personaCount; i++) {
    personas.push(await api.createPersona(personaSpec(strategy.id, { name: `Persona ${i + 1}` })));
  }
  // The strategy service offers personas only once it has counted them from persona.created.
  await vi.waitFor(async () => expect((await api.getStrategy(strategy.id)).personaCount).toBe(personaCount), {
    timeout: 10_000,
    interval: 20,
  });
  const created = await api.createCampaign();
  const withStrategy = await api.selectStrategy(created.id, strategy.id, created.epoch);
  const campaign = await api.setApproach(
    created.id,
    AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
    withStrategy.epoch,
  );
  return { strategy, personas, campaign, ids: personas.map((persona) => persona.id) };
}
