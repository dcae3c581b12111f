import { credentials, type Metadata } from '@grpc/grpc-js';
import { connectBus, type PrismEvent, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { waitForPort } from '@prism/infra';
import { generatePopulation } from '@prism/population';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import {
  type GenerateSegmentsResponse,
  SegmentGenerationServiceClient,
} from '@prism/proto/prism/segments/v1/segments';
import { AudienceApproach, StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { eventually, isolatedInfra, storedMessages } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, type ServiceProcess, startServiceProcess } from './service-process.js';

/**
 * Issue 5's end-to-end flow with every service as its own Node process (as `npm start` runs
 * them) on real NATS and the Mongo-wire server: the approach switch clears the other side's
 * selection in each service, once, and switching back restores nothing.
 */

const KEY = 'acme-key-0001';
const ADMIN_KEY = 'operator-key-for-tests-0001';
const PEOPLE = 80;
const { AUDIENCE_APPROACH_AI_SEGMENTS: AI, AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS } = AudienceApproach;

const infra = isolatedInfra();
const processes: ServiceProcess[] = [];
const acme: Metadata = apiKeyMetadata(KEY);
let clients: {
  strategy: StrategyServiceClient;
  persona: PersonaServiceClient;
  segments: SegmentGenerationServiceClient;
  profiles: ProfileServiceClient;
  spaces: SpaceServiceClient;
};

beforeAll(async () => {
  const [strategyPort, personaPort, segmentsPort, profilePort, httpPort] = await Promise.all(
    Array.from({ length: 5 }, freePort),
  );
  const common = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: `acme:${KEY}`,
    STRATEGY_GRPC_ADDR: `127.0.0.1:${strategyPort}`,
    PROFILE_GRPC_ADDR: `127.0.0.1:${profilePort}`,
  };
  processes.push(
    startServiceProcess('strategy', {
      ...common,
      STRATEGY_GRPC_PORT: `${strategyPort}`,
      STRATEGY_DB: infra.databaseFor('strategy'),
    }),
    startServiceProcess('persona', {
      ...common,
      PERSONA_GRPC_PORT: `${personaPort}`,
      PERSONA_DB: infra.databaseFor('persona'),
    }),
    startServiceProcess('segment-generation', {
      ...common,
      SEGMENTS_GRPC_PORT: `${segmentsPort}`,
      SEGMENTS_DB: infra.databaseFor('segments'),
    }),
    startServiceProcess('profile', {
      ...common,
      PROFILE_GRPC_PORT: `${profilePort}`,
      PROFILE_HTTP_PORT: `${httpPort}`,
      PROFILE_DB: infra.databaseFor('profile'),
      PRISM_ADMIN_KEY: ADMIN_KEY,
    }),
  );
  await Promise.all(
    [strategyPort, personaPort, segmentsPort, profilePort].map((port) => waitForPort(port ?? 0, 60_000)),
  );
  const insecure = credentials.createInsecure();
  clients = {
    strategy: new StrategyServiceClient(`127.0.0.1:${strategyPort}`, insecure),
    persona: new PersonaServiceClient(`127.0.0.1:${personaPort}`, insecure),
    segments: new SegmentGenerationServiceClient(`127.0.0.1:${segmentsPort}`, insecure),
    profiles: new ProfileServiceClient(`127.0.0.1:${profilePort}`, insecure),
    spaces: new SpaceServiceClient(`127.0.0.1:${profilePort}`, insecure),
  };
  await callUnary(clients.spaces, clients.spaces.createSpace, apiKeyMetadata(ADMIN_KEY), {
    spaceId: 'acme',
    displayName: 'Acme',
  });
  const messages = [...generatePopulation({ seed: 3, size: PEOPLE, now: new Date() })].map((person) => ({
    type: 'identify',
    messageId: `identify-${person.id}`,
    userId: person.id,
    traits: { ...person.traits },
  }));
  await callUnary(clients.profiles, clients.profiles.ingest, acme, { messages });
  await eventually(async () => {
    for await (const batch of clients.profiles.exportProfiles({ traitKeys: ['age'], batchSize: 1000 }, acme))
      return Number(batch.total) === PEOPLE ? true : undefined;
    return undefined;
  }, 60_000);
}, 120_000);

afterAll(async () => {
  for (const client of Object.values(clients ?? {})) client.close();
  for (const service of processes) service.child.kill('SIGTERM');
  const exits = await Promise.all(processes.map((service) => service.exited));
  await infra.cleanup();
  expect(exits).toEqual([0, 0, 0, 0]);
}, 60_000);

const strategyCall = <Req, Res>(method: Parameters<typeof callUnary<Req, Res>>[1], request: Req) =>
  callUnary(clients.strategy, method, acme, request);

/** Every `prism.<kind>` event about the campaign stored in a service's stream so far. */
async function storedEvents(owner: 'persona' | 'segments', kind: string, campaignId: string) {
  const bus = await connectBus({ servers: infra.natsUrl, name: 'e2e-reader', prefix: infra.subjectPrefix });
  try {
    const aboutCampaign = (event: PrismEvent) =>
      event.type === `prism.${kind}` && event.subject === campaignId;
    return await storedMessages(bus.jsm, streamName(infra.subjectPrefix, owner), aboutCampaign);
  } finally {
    await bus.close();
  }
}

describe('the approach switch across service processes', () => {
  it('clears personas when switching to AI segments and segments when switching back, once each, restoring nothing', async () => {
    const { strategy } = await strategyCall(clients.strategy.createStrategy, {
      spec: { name: 'Spring', brand: 'Stride', products: [], objectives: [], profileSpaceId: 'acme' },
    });
    const strategyId = strategy?.id ?? '';
    const personaIds: string[] = [];
    for (const name of ['Trail rookie', 'Road veteran']) {
      const spec = {
        strategyId,
        name,
        summary: '',
        goals: [],
        motivations: [],
        painPoints: [],
        preferredChannels: [],
        tone: '',
      };
      const { persona } = await callUnary(clients.persona, clients.persona.createPersona, acme, { spec });
      personaIds.push(persona?.id ?? '');
    }
    await eventually(async () => {
      const { strategy: counted } = await strategyCall(clients.strategy.getStrategy, { strategyId });
      return counted?.personaCount === 2 ? true : undefined;
    });
    const { campaign } = await strategyCall(clients.strategy.createCampaign, { name: 'Spring launch' });
    const campaignId = campaign?.id ?? '';
    const switchTo = async (approach: AudienceApproach, expectedEpoch: number) =>
      (await strategyCall(clients.strategy.setAudienceApproach, { campaignId, approach, expectedEpoch }))
        .campaign?.epoch ?? 0;
    const selected = await strategyCall(clients.strategy.selectStrategy, {
      campaignId,
      strategyId,
      expectedEpoch: campaign?.epoch ?? 0,
    });

    const personasEpoch = await switchTo(PERSONAS, selected.campaign?.epoch ?? 0);
    await callUnary(clients.persona, clients.persona.selectCampaignPersonas, acme, {
      campaignId,
      personaIds,
      expectedEpoch: personasEpoch,
    });
    const personasNow = () =>
      callUnary(clients.persona, clients.persona.getCampaignPersonas, acme, { campaignId });
    expect((await personasNow()).selection?.personas).toHaveLength(2);

    const aiEpoch = await switchTo(AI, personasEpoch);
    await eventually(async () => ((await personasNow()).selection?.personas.length === 0 ? true : undefined));
    const stream: AsyncIterable<GenerateSegmentsResponse> = clients.segments.generateSegments(
      { campaignId, expectedEpoch: aiEpoch, context: '', segmentCount: 3, seed: 1 },
      acme,
    );
    const updates = [];
    for await (const message of stream) updates.push(message.update);
    expect(updates.at(-1)?.$case).toBe('result');
    const segmentsNow = () =>
      callUnary(clients.segments, clients.segments.listCampaignSegments, acme, { campaignId });
    expect((await segmentsNow()).segments?.segments).toHaveLength(3);

    const backToPersonas = await switchTo(PERSONAS, aiEpoch);
    await eventually(async () => ((await segmentsNow()).segments?.segments.length === 0 ? true : undefined));
    const backToAi = await switchTo(AI, backToPersonas);
    await eventually(async () => {
      const wizard = await strategyCall(clients.strategy.getCampaignAudienceSelection, { campaignId });
      return wizard.campaign?.epoch === backToAi ? wizard : undefined;
    });
    // Give the followers time to apply the last switch, then nothing came back on either side.
    await eventually(async () =>
      (await storedEvents('persona', 'campaign.personas.cleared', campaignId)).length > 0 ? true : undefined,
    );
    expect((await personasNow()).selection?.personas).toEqual([]);
    expect((await segmentsNow()).segments?.segments).toEqual([]);
    const personasCleared = await storedEvents('persona', 'campaign.personas.cleared', campaignId);
    const segmentsCleared = await storedEvents('segments', 'campaign.segments.cleared', campaignId);
    expect(personasCleared.map((event) => Number(event.prismepoch))).toEqual([aiEpoch]);
    expect(segmentsCleared.map((event) => Number(event.prismepoch))).toEqual([backToPersonas]);
    const wizard = await strategyCall(clients.strategy.getCampaignAudienceSelection, { campaignId });
    expect(wizard).toMatchObject({ personaIds: [], segments: [], generationId: '' });
  });
});
