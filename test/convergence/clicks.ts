import { type ServiceError, status } from '@grpc/grpc-js';
import { call, keyOf } from '@prism/persona/testing/harness.js';
import type { GenerateSegmentsResponse } from '@prism/proto/prism/segments/v1/segments';
import { AudienceApproach, type Campaign } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec } from '@prism/proto/vocabulary';
import { expect } from 'vitest';
import { SPACE } from './harness.js';
import type { Start, Step } from './scenario.js';
import { personaIdsOf, required, type World } from './world.js';

/** Running the scenario like a frontend would: each client remembers what it last read of the campaign. */

const { AUDIENCE_APPROACH_NONE: NONE, AUDIENCE_APPROACH_AI_SEGMENTS: AI } = AudienceApproach;
const { AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS } = AudienceApproach;

/** What a racing click may legitimately get back; anything else (INTERNAL, UNAVAILABLE, …) is a failure. */
const EXPECTED_REJECTIONS = new Set<number>([
  status.ABORTED,
  status.FAILED_PRECONDITION,
  status.INVALID_ARGUMENT,
]);

export interface CampaignClient {
  id: string;
  /** What this client last read of the campaign (its epoch is what it sends). */
  known: Pick<Campaign, 'strategyId' | 'approach' | 'epoch'>;
  /** The generation ids GenerateSegments answered this client with. */
  generated: string[];
}

const viewOf = (campaign: Campaign): CampaignClient['known'] => ({
  strategyId: campaign.strategyId,
  approach: campaign.approach,
  epoch: campaign.epoch,
});

export const approachName = (approach: AudienceApproach) =>
  approachCodec.fromProto(approach) ?? 'UNSPECIFIED';

export const getCampaign = (world: World, campaignId: string) =>
  call(world.h.strategyClient, world.h.strategyClient.getCampaign, keyOf(SPACE), { campaignId }).then((r) =>
    required(r.campaign, 'campaign'),
  );

export function describeStep(step: Step): string {
  const where = `c${step.campaign}`;
  const stale = step.stale > 0 ? ` (epoch -${step.stale})` : '';
  switch (step.kind) {
    case 'approach':
      return `${where} SetAudienceApproach ${approachName(step.approach)}${stale}`;
    case 'strategy':
      return `${where} SelectStrategy s${step.strategy}${stale}`;
    case 'select':
      return `${where} SelectCampaignPersonas ${step.strategy === null ? 'own' : `s${step.strategy}`}[${step.personas}]${stale}`;
    case 'generate':
      return `${where} GenerateSegments count ${step.segmentCount || 'auto'} seed ${step.seed}${stale}`;
  }
}

/** A campaign at its start: personas selected or segments generated when its approach asks for them. */
export async function prepareCampaign(world: World, start: Start): Promise<CampaignClient> {
  const { api, strategies } = world;
  let campaign = await api.createCampaign();
  const generated: string[] = [];
  if (start.strategy !== null) {
    const strategy = required(strategies[start.strategy], 'strategy');
    campaign = await api.selectStrategy(campaign.id, strategy.id, campaign.epoch);
    if (start.approach !== NONE)
      campaign = await api.setApproach(campaign.id, start.approach, campaign.epoch);
    if (start.approach === PERSONAS) {
      await api.select(campaign.id, personaIdsOf(strategy, start.personas), campaign.epoch);
    }
    if (start.approach === AI) {
      generated.push(await generate(world, campaign.id, campaign.epoch, { segmentCount: 2 }));
    }
  }
  return { id: campaign.id, known: viewOf(campaign), generated };
}

/** One click; resolves with its outcome, rejects only with an unexpected failure. */
export async function runStep(world: World, step: Step, campaigns: CampaignClient[]): Promise<string> {
  const client = required(campaigns[step.campaign], 'campaign client');
  const epoch = Math.max(1, client.known.epoch - step.stale);
  try {
    await click(world, step, client, epoch);
    return `OK epoch ${step.kind === 'approach' || step.kind === 'strategy' ? client.known.epoch : epoch}`;
  } catch (error) {
    const code = (error as Partial<ServiceError>).code;
    if (code === undefined || !EXPECTED_REJECTIONS.has(code)) throw error;
    // A frontend told its epoch is stale reloads the campaign.
    if (code === status.ABORTED) client.known = viewOf(await getCampaign(world, client.id));
    return `${status[code]} (sent epoch ${epoch})`;
  }
}

async function click(world: World, step: Step, client: CampaignClient, epoch: number): Promise<void> {
  const { api, strategies } = world;
  switch (step.kind) {
    case 'approach':
      client.known = viewOf(await api.setApproach(client.id, step.approach, epoch));
      return;
    case 'strategy': {
      const { id } = required(strategies[step.strategy], 'strategy');
      client.known = viewOf(await api.selectStrategy(client.id, id, epoch));
      return;
    }
    case 'select': {
      const own = strategies.findIndex((s) => s.id === client.known.strategyId);
      const strategy = required(strategies[step.strategy ?? Math.max(own, 0)], 'strategy');
      const ids = personaIdsOf(strategy, step.personas);
      const selection = await api.select(client.id, ids, epoch);
      expect(selection.epoch).toBe(epoch);
      expect(selection.personas.map((p) => p.id)).toEqual(ids);
      return;
    }
    case 'generate':
      client.generated.push(
        await generate(world, client.id, epoch, { segmentCount: step.segmentCount, seed: step.seed }),
      );
      return;
  }
}

/** GenerateSegments at `epoch`, returning the generation id; a result must be stored under that epoch. */
async function generate(
  world: World,
  campaignId: string,
  epoch: number,
  options: { segmentCount: number; seed?: number },
): Promise<string> {
  const messages = await world.h.generate({ campaignId, expectedEpoch: epoch, ...options });
  const segments = resultOf(messages).segments;
  expect(segments?.epoch, 'generated segments epoch').toBe(epoch);
  expect(segments?.segments.length).toBeGreaterThan(0);
  return required(segments?.generationId, 'generation id');
}

function resultOf(messages: GenerateSegmentsResponse[]) {
  const last = messages.at(-1)?.update;
  if (last?.$case !== 'result') throw new Error('GenerateSegments did not end with a result');
  return last.value;
}
