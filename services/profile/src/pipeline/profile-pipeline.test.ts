import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { WriteConflict } from '../store/profile-store.js';
import { startPipeline, trackingMessage } from '../testing/pipeline.js';

const DAY = 86_400_000;
const start = new Date('2026-11-01T12:00:00Z');

const message = (fields: Partial<TrackingMessage> & Pick<TrackingMessage, 'messageId'>) =>
  trackingMessage(fields, start);

/** What the consumer does with a batch that lost a race: try again on fresh state. */
async function ingestRetrying(
  pipeline: Awaited<ReturnType<typeof startPipeline>>['pipeline'],
  batch: TrackingMessage[],
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pipeline.ingest('acme', batch);
    } catch (error) {
      if (!(error instanceof WriteConflict) || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

describe('profile pipeline on real NATS and FerretDB', () => {
  const infra = isolatedInfra();
  let now = start;
  let writers: Awaited<ReturnType<typeof startPipeline>>[] = [];
  beforeAll(async () => {
    writers = await Promise.all(
      ['a', 'b'].map((writer) => startPipeline(infra, { writer, clock: () => now })),
    );
  });
  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.stop()));
    await infra.cleanup();
  });

  it('ends in one profile when two writers race to link the same identifiers', async () => {
    const [a, b] = writers.map((writer) => writer.pipeline) as [
      (typeof writers)[0]['pipeline'],
      (typeof writers)[0]['pipeline'],
    ];
    await Promise.all([
      ingestRetrying(a, [
        message({ messageId: 'm1', anonymousId: 'anon-race', traits: { email: 'race@x.com' } }),
      ]),
      ingestRetrying(b, [message({ messageId: 'm2', userId: 'user-race', traits: { email: 'race@x.com' } })]),
    ]);
    const fresh = await startPipeline(infra, { writer: 'reader' });
    try {
      const state = await fresh.pipeline.read('acme');
      const holders = ['anonymous_id:anon-race', 'user_id:user-race', 'email:race@x.com'].map((key) => {
        const [type, value] = key.split(':') as [string, string];
        return state.profileOf({ type, value });
      });
      expect(new Set(holders).size).toBe(1);
      expect(holders[0]).toBeDefined();
    } finally {
      await fresh.stop();
    }
  });

  it('expires a windowed computed trait as days pass, without new events, and backfills a new definition', async () => {
    const { pipeline, maintenance } = writers[0] as (typeof writers)[0];
    const orders = [0, 3, 10].map((daysAgo, index) =>
      message({
        messageId: `o${index}`,
        userId: 'buyer',
        event: 'Order Completed',
        properties: { total: 10 * (index + 1) },
        timestamp: new Date(start.getTime() - daysAgo * DAY),
      }),
    );
    await pipeline.ingest('shop', orders);
    const trait = await maintenance.createComputedTrait('shop', {
      key: 'orders_7d',
      kind: 'event_counter',
      property: '',
      filter: { name: 'Order Completed', conditions: [] },
      windowDays: 7,
    });
    expect(trait.backfilledProfiles).toBe(1);
    const buyer = async () =>
      (await pipeline.read('shop')).current(
        (await pipeline.read('shop')).profileOf({ type: 'user_id', value: 'buyer' }) ?? '',
      );
    expect((await buyer())?.computedValues.orders_7d).toBe(2);

    now = new Date(start.getTime() + 6 * DAY);
    expect(await maintenance.sweep()).toBeGreaterThan(0);
    expect((await buyer())?.computedValues.orders_7d).toBe(1);
    now = new Date(start.getTime() + 9 * DAY);
    await maintenance.sweep();
    expect((await buyer())?.computedValues.orders_7d).toBe(0);
    now = start;
  });

  it('applies a redelivered batch once', async () => {
    const { pipeline } = writers[0] as (typeof writers)[0];
    const batch = [message({ messageId: 'r1', userId: 'repeat', type: 'identify', traits: { plan: 'pro' } })];
    expect(await pipeline.ingest('redelivery', batch)).toMatchObject({ applied: 1, repeated: 0 });
    expect(await pipeline.ingest('redelivery', batch)).toMatchObject({ applied: 0, repeated: 1 });
  });
});
