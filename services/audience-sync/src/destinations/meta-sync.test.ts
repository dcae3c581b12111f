import { createLogger } from '@prism/log';
import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeliveryDocument, DeliveryQueue } from '../store/deliveries.js';
import { DestinationStore } from '../store/destinations.js';
import { FakeGraphApi } from '../testing/fake-graph-api.js';
import { type DestinationDocument, newStatus } from './destination.js';
import type { SyncContext } from './dispatcher.js';
import { metaSync } from './meta-sync.js';

/**
 * Meta rounds against a real MongoDB-wire server and the fake Graph API over HTTP: what a
 * redelivered audience event queues again must not undo a later change on Meta.
 */
const infra = isolatedInfra();
let mongo: MongoConnection;
let meta: FakeGraphApi;
let context: SyncContext;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  meta = await FakeGraphApi.start();
  const repos = { destinations: new DestinationStore(mongo.db), deliveries: new DeliveryQueue(mongo.db) };
  context = {
    repos,
    snapshot: () => Promise.reject(new Error('no backfill is asked in these tests')),
    backfilled: async () => undefined,
    disable: async () => undefined,
    profile: () => undefined,
    refusal: () => undefined,
    remember: async () => undefined,
    now: () => new Date(),
    logger: createLogger('meta-sync-test', { level: 'silent' }),
  };
});
afterAll(async () => {
  await meta?.close();
  await mongo?.close();
  await infra.cleanup();
});

async function metaDestination(id: string): Promise<DestinationDocument> {
  const destination: DestinationDocument = {
    _id: id,
    spaceId: 'acme',
    name: id,
    source: { audienceId: 'aud_runners' },
    audienceKey: 'runners',
    kind: 'meta',
    meta: {
      adAccountId: 'act_1',
      accessToken: meta.accessToken,
      customAudienceId: meta.createAudience(),
      schema: ['EMAIL'],
    },
    // Fast enough that each round below gets a slot.
    rateLimitPerSecond: 1_000,
    enabled: true,
    version: 1,
    status: newStatus(),
    backfillsRequested: 0,
    backfillsDone: 0,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  await context.repos.destinations.insert(destination);
  return destination;
}

/** The delivery the destination feed queues for the audience event at stream position `seq`. */
const change = (destinationId: string, seq: number, kind: 'entered' | 'exited'): DeliveryDocument => ({
  _id: `${destinationId}:evt-${seq}`,
  spaceId: 'acme',
  destinationId,
  seq,
  profileId: 'prof_ada',
  change: kind,
  epoch: 0,
  body: '{}',
  identifiers: [{ type: 'email', value: 'ada@example.com' }],
  attempts: 0,
  dueAt: new Date(0),
  state: 'pending',
});

async function round(destination: DestinationDocument, ...queued: DeliveryDocument[]) {
  await context.repos.deliveries.enqueue(queued);
  await metaSync({ graphUrl: meta.baseUrl }).run(destination, context);
}

describe('Meta rounds', () => {
  it('does not add again a person who left when the event of their entry is delivered again', async () => {
    const destination = await metaDestination('dst_redelivered');
    const audienceId = destination.meta?.customAudienceId as string;
    await round(destination, change(destination._id, 10, 'entered'));
    expect(meta.members(audienceId).size).toBe(1);
    await round(destination, change(destination._id, 11, 'exited'));
    expect(meta.members(audienceId).size).toBe(0);
    const adds = meta.requests.filter(({ operation }) => operation === 'add').length;

    // The feed's ack of seq 10 was lost (a kill -9): JetStream delivers it again and it is queued
    // again, its first delivery long sent and dequeued.
    await round(destination, change(destination._id, 10, 'entered'));
    expect(meta.members(audienceId).size).toBe(0);
    expect(meta.requests.filter(({ operation }) => operation === 'add')).toHaveLength(adds);
    expect(await context.repos.deliveries.next('acme', destination._id, 10)).toEqual([]);
    const stored = await context.repos.destinations.get('acme', destination._id);
    expect(stored.deliveredThroughSeq).toBe(11);
  });

  it('still sends a replayed dead letter older than what was sent since', async () => {
    const destination = await metaDestination('dst_replayed');
    const audienceId = destination.meta?.customAudienceId as string;
    const { deliveries } = context.repos;
    await deliveries.enqueue([change(destination._id, 20, 'entered')]);
    await deliveries.bury('acme', [`${destination._id}:evt-20`], 'Meta refused it 12 times');
    await round(destination, change(destination._id, 21, 'exited'));
    expect(await context.repos.destinations.get('acme', destination._id)).toMatchObject({
      deliveredThroughSeq: 21,
    });

    expect(await deliveries.replay('acme', destination._id, [])).toBe(1);
    await metaSync({ graphUrl: meta.baseUrl }).run(destination, context);
    expect(meta.members(audienceId).size).toBe(1);
  });
});
