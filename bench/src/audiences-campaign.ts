import { setTimeout as sleep } from 'node:timers/promises';
import { callUnary } from '@prism/grpc';
import { type Audience, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import type { PersonaDemographics } from '@prism/proto/prism/persona/v1/persona';
import { AudienceApproach, Gender } from '@prism/proto/prism/strategy/v1/strategy';
import type { AudienceBench, BenchSpace } from './audiences.js';
import type { CampaignServices } from './audiences-services.js';

const everywhere = { genders: [], incomeBand: '', occupation: '' };

/** Personas as a marketer would describe the population's planted segments (@prism/population). */
export const BENCH_PERSONAS = {
  runners: {
    name: 'Urban runner',
    demographics: {
      ...everywhere,
      ageRanges: [{ min: 25, max: 38 }],
      locations: ['DE', 'NL', 'BE', 'DK', 'SE', 'NO', 'FI'],
    },
  },
  retirees: {
    name: 'Sunny retiree',
    demographics: { ...everywhere, ageRanges: [{ min: 62, max: 78 }], locations: ['ES', 'PT', 'IT', 'GR'] },
  },
  families: {
    name: 'Budget family',
    demographics: {
      ...everywhere,
      ageRanges: [{ min: 30, max: 45 }],
      genders: [Gender.GENDER_FEMALE],
      locations: ['GB', 'IE', 'FR', 'AU'],
    },
  },
  tech: {
    name: 'Tech professional',
    demographics: { ...everywhere, ageRanges: [{ min: 27, max: 45 }], locations: ['US', 'CA'] },
  },
} satisfies Record<string, { name: string; demographics: PersonaDemographics }>;
export type PersonaHandle = keyof typeof BENCH_PERSONAS;

/** The population's traits are flat (`country`, `city`, `incomeBand`), not Segment's reserved paths. */
const POPULATION_TRAITS = {
  age: 'age',
  gender: 'gender',
  country: 'country',
  city: 'city',
  incomeBand: 'incomeBand',
  occupation: 'occupation',
};

/**
 * The wizard up to step 3: a strategy linking the space, its personas, a campaign on it with
 * approach STRATEGY_PERSONAS, and audience-sync told where the population keeps demographics.
 */
export async function personasCampaign(services: CampaignServices, space: BenchSpace) {
  const { strategies, personas, audiences } = services;
  const { metadata } = space;
  await callUnary(audiences, audiences.setTraitMapping, metadata, { mapping: POPULATION_TRAITS });
  const spec = { name: 'Audiences', brand: 'Bench', products: [], objectives: [], profileSpaceId: space.id };
  const { strategy } = await callUnary(strategies, strategies.createStrategy, metadata, { spec });
  const strategyId = strategy?.id ?? '';
  const personaIds = {} as Record<PersonaHandle, string>;
  for (const [handle, { name, demographics }] of Object.entries(BENCH_PERSONAS)) {
    const persona = await callUnary(personas, personas.createPersona, metadata, {
      spec: {
        strategyId,
        name,
        summary: '',
        demographics,
        goals: [],
        motivations: [],
        painPoints: [],
        preferredChannels: [],
        tone: '',
      },
    });
    personaIds[handle as PersonaHandle] = persona.persona?.id ?? '';
  }
  // Step 3 offers personas once the strategy service has counted them from persona.created.
  const count = Object.keys(BENCH_PERSONAS).length;
  while (
    ((await callUnary(strategies, strategies.getStrategy, metadata, { strategyId })).strategy?.personaCount ??
      0) < count
  )
    await sleep(20);
  const { campaign } = await callUnary(strategies, strategies.createCampaign, metadata, {
    name: 'Switching',
  });
  const campaignId = campaign?.id ?? '';
  const selected = await callUnary(strategies, strategies.selectStrategy, metadata, {
    campaignId,
    strategyId,
    expectedEpoch: campaign?.epoch ?? 0,
  });
  const switched = await callUnary(strategies, strategies.setAudienceApproach, metadata, {
    campaignId,
    approach: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
    expectedEpoch: selected.campaign?.epoch ?? 0,
  });
  return { campaignId, epoch: switched.campaign?.epoch ?? 0, personaIds };
}

/** Waits until the campaign audience (union and every part) is live at `epoch` with `parts` parts. */
export async function campaignAudienceLive(
  bench: AudienceBench,
  services: CampaignServices,
  space: BenchSpace,
  expected: { campaignId: string; epoch: number; parts: number },
): Promise<{ union: Audience; parts: Audience[] }> {
  const { audiences } = services;
  const live = (audience?: Audience) =>
    audience?.status?.state === ComputeState.COMPUTE_STATE_LIVE &&
    audience.campaign?.epoch === expected.epoch;
  for (;;) {
    await bench.audiences.engine.idle();
    const found = await callUnary(audiences, audiences.getCampaignAudience, space.metadata, {
      campaignId: expected.campaignId,
    });
    if (live(found.union) && found.parts.length === expected.parts && found.parts.every(live))
      return { union: found.union as Audience, parts: found.parts };
    await sleep(50);
  }
}
