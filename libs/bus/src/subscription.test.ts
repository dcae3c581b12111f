import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type Bus, connectBus } from './connect.js';
import { createEvent, kindOf, type PrismEvent } from './envelope.js';
import { publishEvent } from './publish.js';
import { natsUrl, testLogger, waitFor } from './test-support.js';
import { ensureServiceStreams } from './topology.js';

const infra = isolatedInfra();
const prefix = infra.subjectPrefix;
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: natsUrl(), name: 'subscription-test', prefix, logger: testLogger });
  await ensureServiceStreams(bus.jsm, prefix, ['strategy']);
});

afterAll(async () => {
  await bus.close();
  await infra.cleanup();
});

const campaignEvent = (space: string, kind: string, campaignId: string) =>
  createEvent({ source: 'prism/strategy', kind, space, subject: campaignId, data: { campaignId } });

describe('bus.subscribe', () => {
  it('follows the named kinds of the owning service’s stream in every space, and nothing else', async () => {
    await publishEvent(bus.js, prefix, campaignEvent('acme', 'campaign.created', 'c1'));
    await publishEvent(bus.js, prefix, campaignEvent('acme', 'strategy.created', 's1'));
    await publishEvent(bus.js, prefix, campaignEvent('globex', 'campaign.deleted', 'c2'));
    const seen: PrismEvent<{ campaignId: string }>[] = [];
    const consumer = await bus.subscribe({
      stream: 'strategy',
      durable: 'subscription_test_campaigns',
      kinds: 'campaign.*',
      data: z.object({ campaignId: z.string() }),
      handler: async (event) => {
        seen.push(event);
      },
    });
    try {
      await waitFor(() => seen.length === 2, 'both campaign events');
      expect(seen.map((event) => [event.prismspace, kindOf(event), event.data.campaignId])).toEqual([
        ['acme', 'campaign.created', 'c1'],
        ['globex', 'campaign.deleted', 'c2'],
      ]);
    } finally {
      await consumer.stop();
    }
    expect(consumer.processed()).toBe(2);
  });
});
