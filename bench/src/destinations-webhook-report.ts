import type { DestinationStatus } from '@prism/proto/prism/audience/v1/destinations';
import type { PeopleLoad } from './audiences-traffic.js';
import type { Receipts } from './destinations-child.js';
import type { LoopbackFloor } from './destinations-webhook.js';
import type { Figures } from './report.js';
import { ms, peakRssMb, perSecond, summarize } from './stats.js';

export interface WebhookRun {
  setup: { people: number; rateLimit: number; concurrency: number };
  /** The enter and the leave identifies, as the helper sent them. */
  ingest: Omit<PeopleLoad, 'generationMs'>[];
  /** Membership changes audience-sync published. */
  changes: number;
  prism: Receipts;
  servicesCpuS: number;
  status: DestinationStatus | undefined;
  queue: QueueCalls;
  floor: LoopbackFloor & { receipts: Receipts };
  logs: string;
}

/**
 * Milliseconds of each call to the destinations' outbox (DeliveryQueue) in the store, and from
 * each change's decision to its queueing.
 */
export type QueueCalls = Record<'enqueue' | 'next' | 'delivered' | 'queuedAfter', number[]>;

const count = (value: number) => value.toLocaleString('en');
const received = (receipts: Receipts) =>
  perSecond(receipts.deliveries, Math.max(1, receipts.lastAt - receipts.firstAt));

/** Prints the webhook run beside its floor and answers its figures. */
export function reportWebhook(run: WebhookRun): Figures {
  const { setup, prism, floor } = run;
  const rate = received(prism);
  const decided = perSecond(run.changes, Math.max(1, prism.lastDecidedAt - prism.firstDecidedAt));
  const floorRate = received(floor.receipts);
  const latency = prism.latencyMs;
  const sent = run.ingest.reduce((sum, phase) => sum + phase.accepted, 0);
  const ingestS = run.ingest.reduce((sum, phase) => sum + phase.elapsedMs, 0) / 1000;
  console.log(
    `  ${count(setup.people)} people enter the audience, then leave (identifies through the profile service's HTTP API, ` +
      `${count(sent)} accepted in ${ingestS.toFixed(1)} s): ${count(run.changes)} changes published by audience-sync`,
  );
  console.log(
    `  webhook destination: rate limit ${count(setup.rateLimit)}/s, ${setup.concurrency} lanes; receiver on loopback ` +
      'in a helper process verifies every Standard Webhooks signature',
  );
  console.log(
    `  delivered ${count(prism.deliveries)} of ${count(run.changes)} (re-sent: ${prism.resent}, refused: ${prism.refused}), ` +
      `${count(rate)} events/s from first to last delivery (${((prism.lastAt - prism.firstAt) / 1000).toFixed(1)} s)`,
  );
  console.log(
    `  change → verified receipt: p50 ${ms(latency.p50)}, p99 ${ms(latency.p99)}, max ${ms(latency.max)} ` +
      `(from the CloudEvent time, ms resolution)`,
  );
  console.log(`  changes decided by audience-sync: ${count(decided)}/s (first to last CloudEvent time)`);
  console.log(`  why: ${bottleneck(rate, decided, prism, run.queue)}`);
  for (const line of queueLines(run.queue)) console.log(`  ${line}`);
  const status = run.status;
  console.log(
    `  destination status: +${status?.membersAdded ?? '?'} −${status?.membersRemoved ?? '?'}, ` +
      `failed ${status?.membersFailed ?? '?'}, pending ${status?.pending ?? '?'}, dead letters ${status?.deadLetters ?? '?'}` +
      `${status?.lastError ? `, last error ${status.lastError}` : ''}`,
  );
  console.log(
    `  CPU: services ${run.servicesCpuS.toFixed(1)} s (this process), receiver + identify helper ${prism.cpuS.toFixed(1)} s; ` +
      `peak RSS ${peakRssMb().toFixed(0)} MB; services' warnings: ${run.logs}`,
  );
  console.log(
    `  floor (no Prism): the same ${count(floor.receipts.deliveries)} bodies POSTed signed, ${setup.concurrency} at a time, ` +
      `to a fresh receiver: ${count(floorRate)} events/s, round trip p50 ${ms(floor.roundTripMs.p50)}, ` +
      `p99 ${ms(floor.roundTripMs.p99)} (${floor.failed} failed)\n`,
  );
  const floorPeer = { name: `${setup.concurrency} concurrent signed POSTs of the same bodies, no queue` };
  return {
    'destinations.webhook_events_per_s': {
      value: rate,
      unit: 'events/s',
      peer: { ...floorPeer, value: floorRate, unit: 'events/s' },
    },
    'destinations.webhook_p99_ms': {
      value: round(latency.p99),
      unit: 'ms',
      peer: { name: `${floorPeer.name}: round trip p99`, value: round(floor.roundTripMs.p99), unit: 'ms' },
    },
    'destinations.webhook_p50_ms': { value: round(latency.p50), unit: 'ms' },
    'destinations.webhook_max_ms': { value: round(latency.max), unit: 'ms' },
    'destinations.webhook_changes_decided_per_s': { value: decided, unit: 'changes/s' },
    'destinations.webhook_delivered': { value: prism.deliveries, unit: 'deliveries' },
    'destinations.webhook_resent': { value: prism.resent, unit: 'deliveries' },
    'destinations.webhook_floor_events_per_s': { value: floorRate, unit: 'events/s' },
  };
}

/**
 * Whether deliveries kept pace with the changes or fell behind them (and by how long at the end),
 * and then on which side of the outbox the changes waited: before it (the feed) or after it.
 */
function bottleneck(rate: number, decided: number, prism: Receipts, queue: QueueCalls): string {
  const lagS = ((prism.lastAt - prism.lastDecidedAt) / 1000).toFixed(1);
  if (rate >= 0.9 * decided)
    return (
      `deliveries kept pace with the changes (the last arrived ${lagS} s after it was decided): ` +
      'the rate is bounded by how fast ingestion and audience-sync produce changes, not by delivery'
    );
  const queued = summarize(queue.queuedAfter).p50;
  const enqueue = summarize(queue.enqueue).p50;
  const where =
    queued > prism.latencyMs.p50 / 2
      ? `most of the wait is before the outbox (p50 ${ms(queued)} from decision to queued): the feed ` +
        `queues slower than audience-sync decides changes (a group insert p50 ${ms(enqueue)}, then the acks)`
      : `most of the wait is after the outbox (p50 ${ms(queued)} from decision to queued): ` +
        "the dispatcher's rounds (store calls below — each read of a round sorts the whole queue on " +
        'a Mongo-wire server without its index —, POSTs, a tick between rounds)';
  return `deliveries fell behind the changes (the last arrived ${lagS} s after it was decided); ${where}`;
}

/** Per call of the queue: how many, the total, p50/p99 (rounds are its `next` reads); then the feed's lag. */
function queueLines({ queuedAfter, ...calls }: QueueCalls): string[] {
  const what = { enqueue: 'queue a group', next: 'read a round', delivered: 'clear a round' };
  const lines = Object.entries(calls).map(([method, samples]) => {
    const stats = summarize(samples);
    const totalS = samples.reduce((sum, sample) => sum + sample, 0) / 1000;
    return (
      `outbox ${method.padEnd(9)} (${what[method as keyof typeof what]}): ${count(stats.count)} calls, ` +
      `${totalS.toFixed(1)} s in all, p50 ${ms(stats.p50)}, p99 ${ms(stats.p99)}`
    );
  });
  const lag = summarize(queuedAfter);
  return [
    ...lines,
    `decided → queued in the outbox (the feed queues what arrived together in one insert): p50 ${ms(lag.p50)}, ` +
      `p99 ${ms(lag.p99)}, max ${ms(lag.max)}; the rest of the latency is the outbox to the receiver`,
  ];
}

const round = (value: number) => Math.round(value * 100) / 100;
