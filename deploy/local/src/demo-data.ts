import { apiKeyMetadata, callUnary, channelCredentialsFromEnv, type UnaryMethod } from '@prism/grpc';
import { type PersonaDemographics, PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import {
  AudienceApproach,
  Gender,
  StrategyServiceClient,
  type StrategySpec,
} from '@prism/proto/prism/strategy/v1/strategy';

const spring: StrategySpec = {
  name: 'Spring trail running push',
  brand: 'Stride',
  products: ['Stride Trail X', 'Stride Hydration Vest'],
  objectives: ['Grow trail-running revenue 20% in Q2', 'Win runners moving from road to trail'],
  targetAudience: {
    ageRanges: [{ min: 25, max: 44 }],
    genders: [Gender.GENDER_FEMALE, Gender.GENDER_MALE],
    locations: ['DE', 'AT', 'CH'],
    interests: ['trail running', 'hiking', 'outdoor'],
    behaviours: ['runs weekly', 'bought running shoes in the last year'],
    painPoints: ['shoes wear out fast on rough ground', 'knee strain on descents'],
  },
  profileSpaceId: 'demo',
};

const loyalty: StrategySpec = {
  name: 'Loyalty win-back',
  brand: 'Stride',
  products: ['Stride Club membership'],
  objectives: ['Bring back customers without an order in 90 days'],
  targetAudience: {
    ageRanges: [{ min: 18, max: 65 }],
    genders: [],
    locations: ['EU'],
    interests: ['fitness'],
    behaviours: ['lapsed buyer'],
    painPoints: ['prices', 'delivery times'],
  },
  profileSpaceId: 'demo',
};

const runnerPersonas: Array<{
  name: string;
  summary: string;
  demographics: PersonaDemographics;
  goals: string[];
  painPoints: string[];
  channels: string[];
  tone: string;
}> = [
  {
    name: 'Road-to-trail Rebecca',
    summary: '34, Munich, runs 30 km a week on roads and wants to move to mountain trails.',
    demographics: demographics([30, 39], [Gender.GENDER_FEMALE], ['DE']),
    goals: ['finish her first trail half-marathon'],
    painPoints: ['knee strain on descents', 'road shoes slip on wet rock'],
    channels: ['Instagram', 'Strava clubs'],
    tone: 'encouraging, practical',
  },
  {
    name: 'Ultra Uwe',
    summary: '41, Innsbruck, races ultras and replaces shoes every 600 km.',
    demographics: demographics([38, 50], [Gender.GENDER_MALE], ['AT', 'DE']),
    goals: ['shave an hour off his 100 km time'],
    painPoints: ['shoes wear out fast on rough ground'],
    channels: ['email newsletter', 'race expos'],
    tone: 'expert, data-driven',
  },
  {
    name: 'Weekend hiker Hanna',
    summary: '29, Zurich, hikes every weekend and is curious about fastpacking.',
    demographics: demographics([25, 34], [], ['CH', 'Zurich']),
    goals: ['go lighter and faster in the Alps'],
    painPoints: ['heavy boots', 'not sure trail shoes are safe enough'],
    channels: ['YouTube', 'outdoor shops'],
    tone: 'friendly, reassuring',
  },
];

/** What the persona's campaign audience is made of (audience-sync maps it onto the space's traits). */
function demographics(
  [min, max]: [number, number],
  genders: Gender[],
  locations: string[],
): PersonaDemographics {
  return { ageRanges: [{ min, max }], genders, locations, incomeBand: '', occupation: '' };
}

/**
 * Loads the demo space once: two strategies, three personas, and four campaigns at different
 * wizard steps (no strategy yet; strategy chosen; AI segments chosen; two personas chosen).
 */
export async function loadDemoData(addresses: { strategy: string; persona: string }, apiKey: string) {
  const client = new StrategyServiceClient(addresses.strategy, channelCredentialsFromEnv());
  const personaClient = new PersonaServiceClient(addresses.persona, channelCredentialsFromEnv());
  const metadata = apiKeyMetadata(apiKey);
  const call = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req) =>
    callUnary(client, method, metadata, request);
  const callPersona = <Req, Res>(method: UnaryMethod<Req, Res>, request: Req) =>
    callUnary(personaClient, method, metadata, request);
  try {
    const existing = await call(client.listStrategies, { pageSize: 1, pageToken: '' });
    if (existing.strategies.length > 0) return { created: false };

    const { strategy } = await call(client.createStrategy, { spec: spring });
    await call(client.createStrategy, { spec: loyalty });
    const personaIds: string[] = [];
    for (const p of runnerPersonas) {
      const { persona } = await callPersona(personaClient.createPersona, {
        spec: {
          strategyId: strategy!.id,
          name: p.name,
          summary: p.summary,
          demographics: p.demographics,
          goals: p.goals,
          motivations: [],
          painPoints: p.painPoints,
          preferredChannels: p.channels,
          tone: p.tone,
        },
      });
      personaIds.push(persona!.id);
    }
    await call(client.createCampaign, { name: 'Newsletter (step 2 pending)' });
    await campaignAtStep2(call, client, 'Trail launch — Germany', strategy!.id);
    const ai = await campaignAtStep2(call, client, 'Trail launch — Alps (AI segments)', strategy!.id);
    await call(client.setAudienceApproach, {
      campaignId: ai.id,
      approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      expectedEpoch: ai.epoch,
    });

    // The strategy learns its personas from persona events: wait until step 3 offers them.
    const withPersonas = await campaignAtStep2(
      call,
      client,
      'Trail launch — Switzerland (personas)',
      strategy!.id,
    );
    for (let i = 0; i < 100; i++) {
      const { campaign } = await call(client.getCampaign, { campaignId: withPersonas.id });
      if (campaign!.availableApproaches.includes(AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const step3 = await call(client.setAudienceApproach, {
      campaignId: withPersonas.id,
      approach: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      expectedEpoch: withPersonas.epoch,
    });
    await callPersona(personaClient.selectCampaignPersonas, {
      campaignId: withPersonas.id,
      personaIds: personaIds.slice(0, 2),
      expectedEpoch: step3.campaign!.epoch,
    });
    return { created: true };
  } finally {
    client.close();
    personaClient.close();
  }
}

async function campaignAtStep2(
  call: <Req, Res>(method: UnaryMethod<Req, Res>, request: Req) => Promise<Res>,
  client: StrategyServiceClient,
  name: string,
  strategyId: string,
) {
  const { campaign } = await call(client.createCampaign, { name });
  const { campaign: selected } = await call(client.selectStrategy, {
    campaignId: campaign!.id,
    strategyId,
    expectedEpoch: campaign!.epoch,
  });
  return selected!;
}

/** The demo campaign whose step 3 targets `approach` (for the printed examples). */
export async function demoCampaign(
  address: string,
  apiKey: string,
  approach: AudienceApproach,
): Promise<{ id: string; epoch: number } | undefined> {
  const client = new StrategyServiceClient(address, channelCredentialsFromEnv());
  try {
    const { campaigns } = await callUnary(client, client.listCampaigns, apiKeyMetadata(apiKey), {
      strategyId: '',
      pageSize: 100,
      pageToken: '',
    });
    const campaign = campaigns.find((c) => c.approach === approach);
    return campaign && { id: campaign.id, epoch: campaign.epoch };
  } finally {
    client.close();
  }
}
