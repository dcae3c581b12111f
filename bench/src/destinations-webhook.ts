import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import type { RunningAudienceService } from '@prism/audience-sync/app';
import { sendWebhook } from '@prism/audience-sync/destinations/webhook/sender.js';
import { newWebhookSecret } from '@prism/audience-sync/destinations/webhook/signing.js';
import { type Bus, connectBus } from '@prism/bus';
import { callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import { createLogger } from '@prism/log';
import { AudienceKind, AudienceServiceClient, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { DestinationServiceClient } from '@prism/proto/prism/audience/v1/destinations';
import { type Rule, ruleToProto } from '@prism/rules';
import type { BenchSpace } from './audiences.js';
import { startBenchHelper } from './audiences-child.js';
import type { PeopleLoad } from './audiences-traffic.js';
import type { DestinationsCommand, Receipts } from './destinations-child.js';
import { type QueueCalls, reportWebhook } from './destinations-webhook-report.js';
import { benchNamespace, deleteStreams } from './namespace.js';
import { logTally, timeCalls } from './profile-diagnostics.js';
import type { Figures } from './report.js';
import { summarize } from './stats.js';
import { commonSettings, dropBenchDatabases, openBenchSpace, startSyncServices } from './sync-services.js';

const SPACE = {
  id: 'bench-destinations',
  apiKey: 'bench-destinations-key-0001',
  displayName: 'Destinations',
};
const AUDIENCE_KEY = 'bench_webhook';
/** People who enter, then leave: twice as many changes. */
const PEOPLE = Number(process.env.BENCH_DESTINATIONS_PEOPLE ?? 50_000);
/** The most a destination may be given (the default is 50/s). */
const RATE_LIMIT_PER_SECOND = 10_000;
/** audience-sync's lanes per webhook destination: the floor sends as many requests at once. */
export const WEBHOOK_CONCURRENCY = 32;
const APPLY_TIMEOUT_MS = 600_000;
const QUIET_MS = 30_000;

type Helper = ReturnType<typeof startBenchHelper<DestinationsCommand>>;

/**
 * Webhook deliveries at volume: the profile service and audience-sync in this process, a
 * dynamic audience with a webhook destination (rate limit 10,000/s) to a verifying receiver on
 * loopback in a helper process. PEOPLE people enter through identifies, then leave: 2 × PEOPLE
 * changes, each timed from its CloudEvent `time` (audience-sync's decision) to its verified
 * receipt. The floor: the same bodies POSTed signed, WEBHOOK_CONCURRENCY at a time, to a
 * fresh receiver, with nothing in between.
 */
export async function benchWebhookDestination(infra: Infrastructure): Promise<Figures> {
  const { prefix, dbName } = benchNamespace();
  const logs = logTally();
  const logger = (name: string) => createLogger(name, { level: 'warn', destination: logs });
  const common = commonSettings(infra, prefix, { [SPACE.id]: SPACE.apiKey });
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench-destinations', prefix });
  const helper = startBenchHelper<DestinationsCommand>(new URL('./destinations-child.ts', import.meta.url));
  const running: { stop(): Promise<void> }[] = [];
  try {
    const { profile, audiences } = await startSyncServices({ common, dbName, logger });
    running.unshift(audiences, profile);
    const queue = timeDeliveryQueue(audiences);
    const space = await openBenchSpace(profile, SPACE);
    const address = `127.0.0.1:${audiences.port}`;
    const destinations = new DestinationServiceClient(address, credentials.createInsecure());
    running.unshift({ stop: async () => destinations.close() });
    const { secret, destinationId } = await connectWebhook(address, destinations, space, helper);
    const bodies = captureChanges(bus, space);
    const cpu = process.cpuUsage();
    const enter = await changeEveryone(helper, space, 'in', () => bodies.entered);
    const leave = await changeEveryone(helper, space, 'out', () => bodies.exited);
    const prism = await helper.run<Receipts>({ kind: 'received', expected: 2 * PEOPLE, quietMs: QUIET_MS });
    const { user, system } = process.cpuUsage(cpu);
    const { destination } = await callUnary(destinations, destinations.getDestination, space.metadata, {
      destinationId,
    });
    const floorUrl = await helper.run<string>({ kind: 'receive', secret });
    const floor = await loopbackFloor(floorUrl, secret, bodies.all);
    const floorReceipts = await helper.run<Receipts>({
      kind: 'received',
      expected: bodies.all.length,
      quietMs: QUIET_MS,
    });
    return reportWebhook({
      setup: { people: PEOPLE, rateLimit: RATE_LIMIT_PER_SECOND, concurrency: WEBHOOK_CONCURRENCY },
      ingest: [enter, leave],
      changes: bodies.all.length,
      prism,
      servicesCpuS: (user + system) / 1e6,
      status: destination?.status,
      queue,
      floor: { ...floor, receipts: floorReceipts },
      logs: logs.summary(),
    });
  } finally {
    for (const service of running)
      await service.stop().catch((error) => console.error('a service did not stop cleanly', error));
    await helper.stop();
    await deleteStreams(bus, prefix);
    await bus.close();
    await dropBenchDatabases(infra, dbName, ['profile', 'audience']);
  }
}

/**
 * Each call to the destinations' outbox in the store (queued per change, read and cleared per
 * round), and how long after its decision each change was queued (the `time` in its body).
 */
function timeDeliveryQueue({ engine }: RunningAudienceService): QueueCalls {
  const calls: QueueCalls = { enqueue: [], next: [], delivered: [], queuedAfter: [] };
  const { deliveries } = engine.deps.repos;
  const enqueue = deliveries.enqueue.bind(deliveries);
  deliveries.enqueue = (docs) => {
    const at = Date.now();
    for (const doc of docs) calls.queuedAfter.push(at - Date.parse(doc.body.match(TIME)?.[1] ?? ''));
    return enqueue(docs);
  };
  for (const method of ['enqueue', 'next', 'delivered'] as const)
    timeCalls(deliveries, method, calls[method]);
  return calls;
}

/** The CloudEvent's `time`, read without parsing the body. */
const TIME = /"time":"([^"]+)"/;

/** The audience (everyone with the bench trait `in`), live, and its webhook to the helper's receiver. */
async function connectWebhook(
  address: string,
  destinations: DestinationServiceClient,
  space: BenchSpace,
  helper: Helper,
) {
  const url = await helper.run<string>({ kind: 'receive', secret: newWebhookSecret() });
  const audiences = new AudienceServiceClient(address, credentials.createInsecure());
  try {
    const rule: Rule = { trait: { key: AUDIENCE_KEY, operator: 'equals', value: 'in' } };
    const spec = {
      ...{ key: AUDIENCE_KEY, name: 'Destinations benchmark', description: '' },
      ...{ kind: AudienceKind.AUDIENCE_KIND_DYNAMIC, rule: ruleToProto(rule) },
    };
    await callUnary(audiences, audiences.createAudience, space.metadata, { spec });
    for (;;) {
      const { audience } = await callUnary(audiences, audiences.getAudience, space.metadata, {
        audience: AUDIENCE_KEY,
      });
      if (audience?.status?.state === ComputeState.COMPUTE_STATE_LIVE) break;
      await sleep(50);
    }
  } finally {
    audiences.close();
  }
  const created = await callUnary(destinations, destinations.createDestination, space.metadata, {
    spec: {
      name: 'Benchmark receiver',
      source: { $case: 'audience', value: AUDIENCE_KEY },
      settings: { $case: 'webhook', value: { url } },
      rateLimitPerSecond: RATE_LIMIT_PER_SECOND,
    },
  });
  await helper.run({ kind: 'use-secret', secret: created.webhookSecret });
  return { secret: created.webhookSecret, destinationId: created.destination?.id ?? '' };
}

/**
 * The audience's entered and exited events as audience-sync publishes them (a plain NATS
 * subscription): the webhook bodies, which the floor sends again.
 */
function captureChanges(bus: Bus, space: BenchSpace) {
  const captured = { all: [] as string[], entered: 0, exited: 0 };
  bus.nc.subscribe(`${bus.prefix}.${space.id}.audience.${AUDIENCE_KEY}.*`, {
    callback: (_error, msg) => {
      const change = msg.subject.endsWith('.entered')
        ? 'entered'
        : msg.subject.endsWith('.exited') && 'exited';
      if (!change) return;
      captured[change] += 1;
      captured.all.push(msg.string());
    },
  });
  return captured;
}

/**
 * Everyone's identify setting the trait to `value`; answers once audience-sync has published
 * all their changes (polled, untimed), so the next phase's identify of a person never meets
 * this one in the same ingest batch.
 */
async function changeEveryone(helper: Helper, space: BenchSpace, value: string, published: () => number) {
  const trait = { [AUDIENCE_KEY]: value };
  const command = { kind: 'identify', tracking: space.tracking, people: PEOPLE, trait, run: value } as const;
  const sent = await helper.run<Omit<PeopleLoad, 'generationMs'>>(command);
  const deadline = performance.now() + APPLY_TIMEOUT_MS;
  while (published() < PEOPLE) {
    if (performance.now() > deadline)
      throw new Error(`only ${published()} of ${PEOPLE} changes to ${value} after ${APPLY_TIMEOUT_MS} ms`);
    await sleep(50);
  }
  return sent;
}

/** The same bodies POSTed signed by Prism's sender alone, WEBHOOK_CONCURRENCY at a time, to the receiver. */
async function loopbackFloor(url: string, secret: string, bodies: readonly string[]) {
  const target = { url, secrets: [secret] };
  const roundTrips: number[] = [];
  let failed = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WEBHOOK_CONCURRENCY }, async () => {
      for (let index = next++; index < bodies.length; index = next++) {
        const sentAt = performance.now();
        const body = bodies[index] as string;
        const outcome = await sendWebhook(target, { id: `floor-${index}`, timestamp: new Date(), body });
        roundTrips.push(performance.now() - sentAt);
        if (outcome.kind !== 'delivered') failed += 1;
      }
    }),
  );
  return { elapsedMs: performance.now() - started, roundTripMs: summarize(roundTrips), failed };
}

export type LoopbackFloor = Awaited<ReturnType<typeof loopbackFloor>>;
