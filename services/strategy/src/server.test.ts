import { Metadata, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceApproach, Gender, type StrategySpec } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCKED_WITHOUT_PERSONAS, LOCKED_WITHOUT_STRATEGY } from './domain/campaign.js';
import { callAs, failureOf, keyOf, type StrategyHarness, startStrategyHarness } from './testing/harness.js';

let h: StrategyHarness;
beforeAll(async () => {
  h = await startStrategyHarness();
});
afterAll(async () => {
  await h?.stop();
});

const acme = () => keyOf('acme');
const spec = (overrides: Partial<StrategySpec> = {}): StrategySpec => ({
  name: 'Spring running push',
  brand: 'Stride',
  products: ['Trail shoe X'],
  objectives: ['Grow trail category 20%'],
  targetAudience: {
    ageRanges: [{ min: 25, max: 40 }],
    genders: [Gender.GENDER_FEMALE],
    locations: ['DE'],
    interests: ['running'],
    behaviours: ['weekly runner'],
    painPoints: ['knee pain'],
  },
  profileSpaceId: 'acme-prod',
  ...overrides,
});

const api = {
  createStrategy: (s: StrategySpec, md = acme()) => callAs(h.client.createStrategy, md, { spec: s }),
  createCampaign: (name: string, md = acme()) => callAs(h.client.createCampaign, md, { name }),
  getCampaign: (campaignId: string, md = acme()) => callAs(h.client.getCampaign, md, { campaignId }),
  selectStrategy: (campaignId: string, strategyId: string, expectedEpoch: number, md = acme()) =>
    callAs(h.client.selectStrategy, md, { campaignId, strategyId, expectedEpoch }),
  setApproach: (campaignId: string, approach: AudienceApproach, expectedEpoch: number, md = acme()) =>
    callAs(h.client.setAudienceApproach, md, { campaignId, approach, expectedEpoch }),
};

async function campaignWithStrategy() {
  const { strategy } = await api.createStrategy(spec());
  await h.personaEvent('acme', 'created', strategy!.id, `persona_of_${strategy!.id}`);
  const { campaign } = await api.createCampaign('Spring launch');
  const selected = await api.selectStrategy(campaign!.id, strategy!.id, campaign!.epoch);
  return { strategy: strategy!, campaign: selected.campaign! };
}

function violationFields(error: Parameters<typeof readErrorDetails>[0]) {
  return readErrorDetails(error).fieldViolations.map((v) => v.field);
}

describe('strategy service over gRPC', () => {
  it('locks the approaches of a campaign without a strategy and says why', async () => {
    const { campaign } = await api.createCampaign('No strategy yet');
    expect(campaign!.availableApproaches).toEqual([]);
    expect(campaign!.lockedReason).toBe(LOCKED_WITHOUT_STRATEGY);

    const error = await failureOf(
      api.setApproach(campaign!.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, 1),
    );
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toContain(LOCKED_WITHOUT_STRATEGY);
    expect(readErrorDetails(error).preconditionReasons).toContain('STRATEGY_NOT_SELECTED');
  });

  it('unlocks both approaches once a strategy is selected and raises the epoch', async () => {
    const { campaign } = await campaignWithStrategy();
    expect(campaign.epoch).toBe(2);
    expect(campaign.availableApproaches).toEqual([
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
    ]);
    expect(campaign.lockedReason).toBe('');
  });

  it('offers only AI segments for a strategy without personas and refuses personas with the reason', async () => {
    const { strategy } = await api.createStrategy(spec({ name: 'No personas yet' }));
    const { campaign } = await api.createCampaign('AI only');
    const selected = await api.selectStrategy(campaign!.id, strategy!.id, campaign!.epoch);
    expect(selected.campaign!.availableApproaches).toEqual([AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS]);
    expect(selected.campaign!.lockedReason).toBe(LOCKED_WITHOUT_PERSONAS);

    const error = await failureOf(
      api.setApproach(
        campaign!.id,
        AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
        selected.campaign!.epoch,
      ),
    );
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(error.details).toContain(LOCKED_WITHOUT_PERSONAS);
    expect(readErrorDetails(error).preconditionReasons).toContain('APPROACH_UNAVAILABLE');
  });

  it('learns persona counts from persona events: personas unlock, deleting the last locks again', async () => {
    const { strategy } = await api.createStrategy(spec({ name: 'Personas come and go' }));
    const { campaign } = await api.createCampaign('Follows personas');
    await api.selectStrategy(campaign!.id, strategy!.id, campaign!.epoch);
    await h.personaEvent('acme', 'created', strategy!.id, 'persona_a');
    expect((await api.getCampaign(campaign!.id)).campaign!.availableApproaches).toContain(
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
    );
    await h.personaEvent('acme', 'deleted', strategy!.id, 'persona_a');
    expect((await api.getCampaign(campaign!.id)).campaign!.availableApproaches).toEqual([
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
    ]);
  });

  it('raises the epoch on every approach change', async () => {
    const { campaign } = await campaignWithStrategy();
    const ai = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    expect(ai.campaign).toMatchObject({ approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, epoch: 3 });
    const personas = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      3,
    );
    expect(personas.campaign).toMatchObject({
      approach: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      epoch: 4,
    });
  });

  it('rejects a stale expected epoch as ABORTED and leaves the campaign as it was', async () => {
    const { campaign } = await campaignWithStrategy();
    await api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, campaign.epoch);
    const error = await failureOf(
      api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS, campaign.epoch),
    );
    expect(error.code).toBe(status.ABORTED);
    const { campaign: after } = await api.getCampaign(campaign.id);
    expect(after).toMatchObject({ approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, epoch: 3 });
  });

  it('lets exactly one of two racing switches at the same epoch win', async () => {
    const { campaign } = await campaignWithStrategy();
    const results = await Promise.allSettled([
      api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, campaign.epoch),
      api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS, campaign.epoch),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(loser.reason.code).toBe(status.ABORTED);
    expect((await api.getCampaign(campaign.id)).campaign!.epoch).toBe(campaign.epoch + 1);
  });

  it('resets the approach to NONE when the strategy changes', async () => {
    const { campaign } = await campaignWithStrategy();
    const chosen = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    const { strategy: other } = await api.createStrategy(spec({ name: 'Autumn' }));
    const switched = await api.selectStrategy(campaign.id, other!.id, chosen.campaign!.epoch);
    expect(switched.campaign).toMatchObject({
      strategyId: other!.id,
      approach: AudienceApproach.AUDIENCE_APPROACH_NONE,
      epoch: chosen.campaign!.epoch + 1,
    });
  });

  it('answers a missing strategy name with INVALID_ARGUMENT naming spec.name', async () => {
    const error = await failureOf(api.createStrategy(spec({ name: '   ' })));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(violationFields(error)).toEqual(['spec.name']);
  });

  it('answers a missing spec with INVALID_ARGUMENT naming spec', async () => {
    const error = await failureOf(callAs(h.client.createStrategy, acme(), {}));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(violationFields(error)).toEqual(['spec']);
  });

  it('answers an unknown approach value with INVALID_ARGUMENT naming approach', async () => {
    const { campaign } = await campaignWithStrategy();
    for (const bad of [AudienceApproach.AUDIENCE_APPROACH_UNSPECIFIED, 42 as AudienceApproach]) {
      const error = await failureOf(api.setApproach(campaign.id, bad, campaign.epoch));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(violationFields(error)).toEqual(['approach']);
    }
  });

  it('answers too-long strings and bad audience fields with one violation per field', async () => {
    const error = await failureOf(
      api.createStrategy(
        spec({
          brand: 'b'.repeat(201),
          targetAudience: {
            ageRanges: [{ min: 40, max: 30 }],
            genders: [Gender.GENDER_MALE, 9 as Gender],
            locations: [],
            interests: ['x'.repeat(101)],
            behaviours: [],
            painPoints: [],
          },
        }),
      ),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(violationFields(error).sort()).toEqual([
      'spec.brand',
      'spec.target_audience.age_ranges[0].max',
      'spec.target_audience.genders[1]',
      'spec.target_audience.interests[0]',
    ]);
  });

  it('requires the expected epoch on step 2 and step 3 commands', async () => {
    const { campaign } = await campaignWithStrategy();
    const error = await failureOf(
      api.setApproach(campaign.id, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS, 0),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(violationFields(error)).toEqual(['expected_epoch']);
  });

  it('refuses calls without a key, with an unknown key, and with a key of another space', async () => {
    const { campaign } = await api.createCampaign('Acme only');
    const missing = await failureOf(api.getCampaign(campaign!.id, new Metadata()));
    expect(missing.code).toBe(status.UNAUTHENTICATED);
    const unknown = await failureOf(api.getCampaign(campaign!.id, keyOf('not-a-real-key')));
    expect(unknown.code).toBe(status.UNAUTHENTICATED);

    const otherSpace = await failureOf(api.getCampaign(campaign!.id, keyOf('globex')));
    expect(otherSpace.code).toBe(status.NOT_FOUND);
    const mismatch = keyOf('globex');
    mismatch.set('x-prism-space', 'acme');
    expect((await failureOf(api.getCampaign(campaign!.id, mismatch))).code).toBe(status.PERMISSION_DENIED);
  });

  it('keeps a caller of one space from changing a campaign of another', async () => {
    const { campaign } = await campaignWithStrategy();
    const { strategy: theirs } = await api.createStrategy(spec(), keyOf('globex'));
    const error = await failureOf(
      api.selectStrategy(campaign.id, theirs!.id, campaign.epoch, keyOf('globex')),
    );
    expect(error.code).toBe(status.NOT_FOUND);
    const crossStrategy = await failureOf(api.selectStrategy(campaign.id, theirs!.id, campaign.epoch));
    expect(crossStrategy.code).toBe(status.NOT_FOUND);
    expect((await api.getCampaign(campaign.id)).campaign!.epoch).toBe(campaign.epoch);
  });

  it('answers an unknown campaign with NOT_FOUND', async () => {
    const error = await failureOf(api.getCampaign('cmp_missing'));
    expect(error.code).toBe(status.NOT_FOUND);
  });

  it('pages through strategies with opaque tokens and rejects forged ones', async () => {
    const md = keyOf('globex');
    for (let i = 0; i < 5; i++) await api.createStrategy(spec({ name: `Paged ${i}` }), md);
    const list = (pageSize: number, pageToken: string) =>
      callAs(h.client.listStrategies, md, { pageSize, pageToken });
    const seen: string[] = [];
    let token = '';
    do {
      const page = await list(2, token);
      expect(page.strategies.length).toBeLessThanOrEqual(2);
      seen.push(...page.strategies.map((s) => s.id));
      token = page.nextPageToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(5);
    const forged = await failureOf(list(2, '!!not-a-token!!'));
    expect(forged.code).toBe(status.INVALID_ARGUMENT);
    expect(violationFields(forged)).toEqual(['page_token']);
  });

  it('refuses to delete a strategy a campaign still uses', async () => {
    const { strategy } = await campaignWithStrategy();
    const error = await failureOf(
      callAs(h.client.deleteStrategy, acme(), { strategyId: strategy.id, expectedVersion: 0 }),
    );
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(error).preconditionReasons).toContain('STRATEGY_IN_USE');
  });

  it('updates a strategy with optimistic concurrency on its version', async () => {
    const { strategy } = await api.createStrategy(spec());
    const update = (expectedVersion: number, name: string) =>
      callAs(h.client.updateStrategy, acme(), {
        strategyId: strategy!.id,
        spec: spec({ name }),
        expectedVersion,
      });
    const updated = await update(1, 'Renamed');
    expect(updated.strategy).toMatchObject({ version: 2, spec: { name: 'Renamed' } });
    expect((await failureOf(update(1, 'Lost update'))).code).toBe(status.ABORTED);
  });

  it('keeps serving after every bad request above', async () => {
    const { campaign } = await api.createCampaign('Still alive');
    expect(campaign!.name).toBe('Still alive');
  });
});
