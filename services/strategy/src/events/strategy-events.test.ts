import type { PrismEvent } from '@prism/bus';
import { AudienceApproach, Gender } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callAs, keyOf, type StrategyHarness, startStrategyHarness } from '../testing/harness.js';

let h: StrategyHarness;
const received: PrismEvent[] = [];
let stopConsumer: () => Promise<void>;

beforeAll(async () => {
  h = await startStrategyHarness();
  const consumers = await Promise.all(
    ['strategy.*', 'campaign.*'].map((kinds, i) =>
      h.bus.subscribe({
        stream: 'strategy',
        durable: `watcher_${i}`,
        kinds,
        handler: async (event) => {
          received.push(event);
        },
      }),
    ),
  );
  stopConsumer = async () => {
    await Promise.all(consumers.map((c) => c.stop()));
  };
});

afterAll(async () => {
  await stopConsumer?.();
  await h?.stop();
});

const eventsAbout = (subject: string) => received.filter((e) => e.subject === subject);

describe('strategy service events', () => {
  it('publishes every wizard change through the outbox with the epoch it was made under', async () => {
    const md = keyOf('acme');
    const { strategy } = await callAs(h.client.createStrategy, md, {
      spec: {
        name: 'Events',
        brand: 'Stride',
        products: [],
        objectives: [],
        targetAudience: {
          ageRanges: [{ min: 20, max: 30 }],
          genders: [Gender.GENDER_NON_BINARY],
          locations: [],
          interests: [],
          behaviours: [],
          painPoints: [],
        },
        profileSpaceId: 'acme-prod',
      },
    });
    await h.personaEvent('acme', 'created', strategy!.id, 'persona_evented');
    const { campaign } = await callAs(h.client.createCampaign, md, { name: 'Evented' });
    const step2 = await callAs(h.client.selectStrategy, md, {
      campaignId: campaign!.id,
      strategyId: strategy!.id,
      expectedEpoch: 1,
    });
    await callAs(h.client.setAudienceApproach, md, {
      campaignId: campaign!.id,
      approach: AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      expectedEpoch: step2.campaign!.epoch,
    });

    await expect.poll(() => eventsAbout(campaign!.id).length, { timeout: 10_000 }).toBe(3);
    const [created, selected, changed] = eventsAbout(campaign!.id);
    expect(created).toMatchObject({ type: 'prism.campaign.created', prismspace: 'acme', prismepoch: '1' });
    expect(selected).toMatchObject({
      type: 'prism.campaign.strategy_selected',
      prismepoch: '2',
      data: { campaignId: campaign!.id, strategyId: strategy!.id, epoch: 2 },
    });
    expect(changed).toMatchObject({
      type: 'prism.campaign.approach_changed',
      source: 'prism/strategy',
      prismepoch: '3',
      data: {
        campaignId: campaign!.id,
        strategyId: strategy!.id,
        from: 'AUDIENCE_APPROACH_NONE',
        to: 'AUDIENCE_APPROACH_STRATEGY_PERSONAS',
        epoch: 3,
      },
    });
    expect(changed!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);

    await expect.poll(() => eventsAbout(strategy!.id).length, { timeout: 10_000 }).toBe(1);
    expect(eventsAbout(strategy!.id)[0]).toMatchObject({
      type: 'prism.strategy.created',
      data: {
        name: 'Events',
        profileSpaceId: 'acme-prod',
        targetAudience: { genders: ['GENDER_NON_BINARY'] },
      },
    });
  });

  it('publishes campaign.deleted and then removes the campaign for good', async () => {
    const md = keyOf('globex');
    const { campaign } = await callAs(h.client.createCampaign, md, { name: 'Short-lived' });
    await callAs(h.client.deleteCampaign, md, {
      campaignId: campaign!.id,
      expectedVersion: 0,
    });
    await expect
      .poll(() => eventsAbout(campaign!.id).map((e) => e.type), { timeout: 10_000 })
      .toEqual(['prism.campaign.created', 'prism.campaign.deleted']);
    expect(eventsAbout(campaign!.id)[1]?.prismspace).toBe('globex');
  });
});
