import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROACH_NOT_PERSONAS } from './domain/selection.js';
import { failureOf, type PersonaHarness, startPersonaHarness, storedEvents } from './testing/harness.js';
import { type Api, apiOf, personaSpec, personasCampaign } from './testing/scenario.js';

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

describe('selecting a campaign’s personas', () => {
  it('selects 1 to 5 personas of the campaign strategy right after the approach switch', async () => {
    const { campaign, ids, personas } = await personasCampaign(api);
    const one = await api.select(campaign.id, ids.slice(0, 1), campaign.epoch);
    expect(one.personas.map((p) => p.id)).toEqual(ids.slice(0, 1));
    const five = await api.select(campaign.id, ids, campaign.epoch);
    expect(five).toEqual({ campaignId: campaign.id, personas, epoch: campaign.epoch });
    expect(await api.selection(campaign.id)).toEqual(five);
  });

  it('publishes campaign.personas.selected with the epoch it was made under', async () => {
    const { campaign, strategy, ids } = await personasCampaign(api, 2);
    await api.select(campaign.id, ids, campaign.epoch);
    await expect
      .poll(async () =>
        (await storedEvents(h, 'persona', 'campaign.personas.selected')).filter(
          (e) => e.subject === campaign.id,
        ),
      )
      .toMatchObject([
        {
          prismepoch: String(campaign.epoch),
          data: { campaignId: campaign.id, strategyId: strategy.id, personaIds: ids, epoch: campaign.epoch },
        },
      ]);
  });

  it('shows the chosen personas in the wizard read model, and none once the approach moves on', async () => {
    const { campaign, ids } = await personasCampaign(api, 2);
    await api.select(campaign.id, ids, campaign.epoch);
    await expect.poll(async () => (await api.audienceSelection(campaign.id)).personaIds).toEqual(ids);
    const moved = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    const after = await api.audienceSelection(campaign.id);
    expect(after.campaign?.epoch).toBe(moved.epoch);
    expect(after.personaIds).toEqual([]);
    expect(after.segments).toEqual([]);
  });

  it('refuses six personas as INVALID_ARGUMENT on persona_ids', async () => {
    const { campaign, ids, strategy } = await personasCampaign(api);
    const sixth = await api.createPersona(personaSpec(strategy.id, { name: 'Sixth' }));
    const error = await failureOf(api.select(campaign.id, [...ids, sixth.id], campaign.epoch));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldsOf(error)).toEqual(['persona_ids']);
  });

  it('refuses a repeated persona, naming the repeat', async () => {
    const { campaign, ids } = await personasCampaign(api, 2);
    const error = await failureOf(api.select(campaign.id, [ids[0]!, ids[1]!, ids[0]!], campaign.epoch));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(fieldsOf(error)).toEqual(['persona_ids[2]']);
  });

  it('refuses a persona of another strategy, naming its position', async () => {
    const { campaign, ids } = await personasCampaign(api, 1);
    const other = await api.createStrategy('Other');
    const foreign = await api.createPersona(personaSpec(other.id));
    const error = await failureOf(api.select(campaign.id, [ids[0]!, foreign.id], campaign.epoch));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(error).fieldViolations).toEqual([
      { field: 'persona_ids[1]', description: `persona ${foreign.id} belongs to another strategy` },
    ]);
  });

  it('refuses an unknown persona, naming its position', async () => {
    const { campaign, ids } = await personasCampaign(api, 1);
    const error = await failureOf(api.select(campaign.id, [ids[0]!, 'persona_nope'], campaign.epoch));
    expect(readErrorDetails(error).fieldViolations).toEqual([
      { field: 'persona_ids[1]', description: 'unknown persona persona_nope' },
    ]);
  });

  it('refuses selecting while the approach is AI segments, with a reason to show', async () => {
    const { campaign, ids } = await personasCampaign(api, 1);
    const ai = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    const error = await failureOf(api.select(campaign.id, ids, ai.epoch));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toBe(APPROACH_NOT_PERSONAS);
    expect(readErrorDetails(error).preconditionReasons).toEqual(['APPROACH_NOT_PERSONAS']);
  });

  it('refuses an expected epoch the campaign is not at as ABORTED, before the projection learns the newer one', async () => {
    const { campaign, ids } = await personasCampaign(api, 1);
    const ahead = await failureOf(api.select(campaign.id, ids, campaign.epoch + 1));
    expect(ahead.code).toBe(status.ABORTED);
    const ai = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    const back = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      ai.epoch,
    );
    // At once: the strategy service decides, not the projection that may still be at the old epoch.
    expect((await failureOf(api.select(campaign.id, ids, campaign.epoch))).code).toBe(status.ABORTED);
    expect(await api.selection(campaign.id)).toEqual({ campaignId: campaign.id, personas: [], epoch: 0 });
    expect((await api.select(campaign.id, ids, back.epoch)).epoch).toBe(back.epoch);
  });

  it('answers an unknown campaign with NOT_FOUND', async () => {
    const { ids } = await personasCampaign(api, 1);
    expect((await failureOf(api.select('cmp_nope', ids, 3))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(api.selection('cmp_nope'))).code).toBe(status.NOT_FOUND);
  });

  it('reports an empty selection with epoch 0 before anything is chosen', async () => {
    const { campaign } = await personasCampaign(api, 1);
    expect(await api.selection(campaign.id)).toEqual({ campaignId: campaign.id, personas: [], epoch: 0 });
  });

  it('keeps another space from reading or selecting a campaign’s personas', async () => {
    const { campaign, ids } = await personasCampaign(api, 1);
    await api.select(campaign.id, ids, campaign.epoch);
    expect((await failureOf(api.selection(campaign.id, 'globex'))).code).toBe(status.NOT_FOUND);
    expect((await failureOf(api.select(campaign.id, ids, campaign.epoch, 'globex'))).code).toBe(
      status.NOT_FOUND,
    );
    expect((await api.selection(campaign.id)).personas).toHaveLength(1);
  });
});
