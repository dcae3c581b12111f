import { decodeEvent, encodeEvent } from '@prism/bus';
import { campaignEventData } from '@prism/campaign';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call,
  consumerIdle,
  keyOf,
  type PersonaHarness,
  startPersonaHarness,
  storedEvents,
} from '../testing/harness.js';
import { type Api, apiOf, personaSpec, personasCampaign } from '../testing/scenario.js';
import { campaignEventHandler } from './campaign-events.js';

let h: PersonaHarness;
let api: Api;
beforeAll(async () => {
  h = await startPersonaHarness();
  api = apiOf(h);
});
afterAll(async () => {
  await h?.stop();
});

const { AUDIENCE_APPROACH_AI_SEGMENTS: AI, AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS } = AudienceApproach;
const empty = (campaignId: string) => ({ campaignId, personas: [], epoch: 0 });
const published = async (kind: string, campaignId: string) =>
  (await storedEvents(h, 'persona', kind)).filter((e) => e.subject === campaignId).map((e) => e.data);

/** A personas campaign with a selection of `selected` of its personas. */
async function selectedCampaign(selected = 2) {
  const scenario = await personasCampaign(api, selected);
  await api.select(scenario.campaign.id, scenario.ids, scenario.campaign.epoch);
  return scenario;
}

describe('selection choreography', () => {
  it('clears the selection exactly once when the approach switches to AI segments, and not back', async () => {
    const { campaign } = await selectedCampaign();
    const ai = await api.setApproach(campaign.id, AI, campaign.epoch);
    await expect.poll(() => api.selection(campaign.id)).toEqual(empty(campaign.id));
    await expect
      .poll(() => published('campaign.personas.cleared', campaign.id))
      .toEqual([
        {
          campaignId: campaign.id,
          epoch: ai.epoch,
          reason: 'APPROACH_CHANGED',
          revision: expect.any(Number),
        },
      ]);

    const back = await api.setApproach(campaign.id, PERSONAS, ai.epoch);
    await expect
      .poll(async () =>
        (await storedEvents(h, 'strategy', 'campaign.approach_changed')).some(
          (e) => e.subject === campaign.id && e.prismepoch === String(back.epoch),
        ),
      )
      .toBe(true);
    await expect.poll(() => consumerIdle(h, 'strategy', 'persona_campaigns')).toBe(true);
    await h.persona.relay.drainOnce();
    expect(await api.selection(campaign.id)).toEqual(empty(campaign.id));
    expect(back.epoch).toBe(ai.epoch + 1);
    expect(await published('campaign.personas.cleared', campaign.id)).toHaveLength(1);
  });

  it('clears the selection when the campaign gets another strategy', async () => {
    const { campaign } = await selectedCampaign();
    const other = await api.createStrategy('Other');
    const moved = await api.selectStrategy(campaign.id, other.id, campaign.epoch);
    await expect.poll(() => api.selection(campaign.id)).toEqual(empty(campaign.id));
    await expect
      .poll(() => published('campaign.personas.cleared', campaign.id))
      .toEqual([
        {
          campaignId: campaign.id,
          epoch: moved.epoch,
          reason: 'STRATEGY_CHANGED',
          revision: expect.any(Number),
        },
      ]);
  });

  it('clears the selection of a deleted campaign', async () => {
    const { campaign } = await selectedCampaign();
    await call(h.strategyClient, h.strategyClient.deleteCampaign, keyOf('acme'), {
      campaignId: campaign.id,
      expectedVersion: 0,
    });
    await expect
      .poll(() => published('campaign.personas.cleared', campaign.id))
      .toEqual([
        {
          campaignId: campaign.id,
          epoch: campaign.epoch,
          reason: 'CAMPAIGN_DELETED',
          revision: expect.any(Number),
        },
      ]);
  });

  it('does not clear or publish twice when the same approach change is delivered again', async () => {
    const { campaign } = await selectedCampaign();
    await api.setApproach(campaign.id, AI, campaign.epoch);
    await expect.poll(() => published('campaign.personas.cleared', campaign.id)).toHaveLength(1);

    const [changed] = (await storedEvents(h, 'strategy', 'campaign.approach_changed')).filter(
      (e) => e.subject === campaign.id && (e.data as { to: string }).to === 'AUDIENCE_APPROACH_AI_SEGMENTS',
    );
    const redelivered = decodeEvent(encodeEvent(changed!), campaignEventData);
    const handle = campaignEventHandler({ repos: h.persona.repos });
    const cause = { space: redelivered.prismspace, traceparent: redelivered.traceparent };
    const delivery = { attempt: 2, redelivered: true, subject: '', streamSeq: 0, cause };
    await handle(redelivered, delivery);
    await handle(redelivered, delivery);
    await h.persona.relay.drainOnce();
    expect(await published('campaign.personas.cleared', campaign.id)).toHaveLength(1);
    expect(await api.selection(campaign.id)).toEqual(empty(campaign.id));
  });

  it('removes a deleted persona from the selections holding it, and clears after the last, each change a later revision', async () => {
    const { campaign, strategy, ids } = await selectedCampaign(2);
    const [first, second] = ids as [string, string];
    await api.deletePersona(first);
    await expect
      .poll(async () => (await api.selection(campaign.id)).personas.map((p) => p.id))
      .toEqual([second]);
    await expect
      .poll(async () => (await published('campaign.personas.selected', campaign.id)).length)
      .toBe(2);
    const [chosen, narrowed] = (await published('campaign.personas.selected', campaign.id)) as Array<{
      revision: number;
    }>;
    expect(narrowed).toEqual({
      campaignId: campaign.id,
      strategyId: strategy.id,
      personaIds: [second],
      epoch: campaign.epoch,
      revision: (chosen?.revision ?? 0) + 1,
    });

    await api.deletePersona(second);
    await expect.poll(() => api.selection(campaign.id)).toEqual(empty(campaign.id));
    await expect
      .poll(() => published('campaign.personas.cleared', campaign.id))
      .toEqual([
        {
          campaignId: campaign.id,
          epoch: campaign.epoch,
          reason: 'PERSONAS_DELETED',
          revision: (narrowed?.revision ?? 0) + 1,
        },
      ]);
  });

  it('leaves selections that do not hold the deleted persona alone', async () => {
    const { campaign, strategy, ids } = await selectedCampaign(1);
    const spare = await api.createPersona(personaSpec(strategy.id, { name: 'Spare' }));
    await api.deletePersona(spare.id);
    await expect
      .poll(async () => (await storedEvents(h, 'persona', 'persona.deleted')).map((e) => e.subject))
      .toContain(spare.id);
    await expect.poll(() => consumerIdle(h, 'persona', 'persona_deletions')).toBe(true);
    await h.persona.relay.drainOnce();
    expect(await published('campaign.personas.selected', campaign.id)).toHaveLength(1);
    expect((await api.selection(campaign.id)).personas.map((p) => p.id)).toEqual(ids);
  });
});
