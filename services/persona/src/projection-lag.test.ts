import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { consumerIdle, failureOf, type PersonaHarness, startPersonaHarness } from './testing/harness.js';
import { type Api, apiOf, personaSpec, personasCampaign } from './testing/scenario.js';

let h: PersonaHarness;
let api: Api;
let strategyId: string;
let scenario: Awaited<ReturnType<typeof personasCampaign>>;

/**
 * The projections know a strategy and a personas campaign, then the strategy service stops
 * publishing: whatever changes next there, the persona service's projections cannot see it.
 */
beforeAll(async () => {
  h = await startPersonaHarness();
  api = apiOf(h);
  strategyId = (await api.createStrategy('Doomed')).id;
  scenario = await personasCampaign(api, 1);
  const { relay } = h.world.services.strategy;
  await relay.drainOnce();
  for (const durable of ['persona_strategies', 'persona_campaigns'])
    await vi.waitFor(async () => expect(await consumerIdle(h, 'strategy', durable)).toBe(true));
  await relay.stop();
});
afterAll(async () => {
  await h?.stop();
});

describe('while the strategy projection lags behind the strategy service', () => {
  it('refuses a persona for a strategy deleted a moment before', async () => {
    await api.deleteStrategy(strategyId);
    const error = await failureOf(api.createPersona(personaSpec(strategyId)));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(error).preconditionReasons).toEqual(['STRATEGY_NOT_FOUND']);
  });

  it('refuses a selection at the epoch the campaign has just left as ABORTED', async () => {
    const { campaign, ids } = scenario;
    await api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, campaign.epoch);
    const error = await failureOf(api.select(campaign.id, ids, campaign.epoch));
    expect(error.code).toBe(status.ABORTED);
    expect(await api.selection(campaign.id)).toEqual({ campaignId: campaign.id, personas: [], epoch: 0 });
  });
});
