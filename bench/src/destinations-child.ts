import { setTimeout as sleep } from 'node:timers/promises';
import {
  type ReceivedDelivery,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@prism/audience-sync/testing/webhook-receiver.js';
import { answerCommands } from './audiences-child.js';
import { bodyOf, postBodies, type Tracking, wallClock } from './audiences-traffic.js';
import { summarize } from './stats.js';

/**
 * A helper process of the destinations benchmark (forked by destinations-webhook.ts): the
 * webhook receiver a partner would run, verifying every Standard Webhooks signature, and the
 * identifies that change memberships. Apart from the services, so receipts are timed on an event
 * loop the services do not hold up.
 */

export type DestinationsCommand =
  /** A fresh receiver (the previous one closed) that verifies with `secret`; answers its URL. */
  | { kind: 'receive'; secret: string }
  | { kind: 'use-secret'; secret: string }
  /** One identify per person `<people>` setting the trait, through the profile service's HTTP API. */
  | { kind: 'identify'; tracking: Tracking; people: number; trait: Record<string, string>; run: string }
  /** Answers once `expected` deliveries arrived, or none came for `quietMs`. */
  | { kind: 'received'; expected: number; quietMs: number }
  | { kind: 'close' };

/** What the receiver saw: times are wall-clock ms, latencies from the CloudEvent's `time`. */
export interface Receipts {
  deliveries: number;
  /** Deliveries of a webhook-id seen before: sent again. */
  resent: number;
  refused: number;
  firstAt: number;
  lastAt: number;
  /** The earliest and latest CloudEvent `time`: when audience-sync decided the changes. */
  firstDecidedAt: number;
  lastDecidedAt: number;
  /** From `time` to the verified receipt. */
  latencyMs: ReturnType<typeof summarize>;
  /** CPU seconds this helper used so far (receiving, verifying and sending identifies). */
  cpuS: number;
}

const PEOPLE_BATCH = 500;

function receiptLog() {
  const seen = new Set<string>();
  const latencies: number[] = [];
  let resent = 0;
  let firstAt = Number.NaN;
  let lastAt = Number.NaN;
  let firstDecidedAt = Number.POSITIVE_INFINITY;
  let lastDecidedAt = Number.NEGATIVE_INFINITY;
  return {
    add({ id, body }: ReceivedDelivery) {
      const at = wallClock();
      if (seen.has(id)) resent += 1;
      seen.add(id);
      firstAt = Number.isNaN(firstAt) ? at : firstAt;
      lastAt = at;
      const decidedAt = Date.parse((body as { time: string }).time);
      firstDecidedAt = Math.min(firstDecidedAt, decidedAt);
      lastDecidedAt = Math.max(lastDecidedAt, decidedAt);
      latencies.push(at - decidedAt);
    },
    get count() {
      return latencies.length;
    },
    summary: (refused: number): Receipts => ({
      deliveries: latencies.length,
      resent,
      refused,
      ...{ firstAt, lastAt, firstDecidedAt, lastDecidedAt },
      latencyMs: summarize(latencies),
      cpuS: cpuSeconds(),
    }),
  };
}

const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

let receiver: WebhookReceiver | undefined;
let receipts = receiptLog();

async function receive(secret: string) {
  await receiver?.close();
  const log = receiptLog();
  receipts = log;
  receiver = await startWebhookReceiver({ secret, onDelivery: (delivery) => log.add(delivery) });
  return receiver.url;
}

/** Polls (untimed) until the deliveries are all there or stopped coming. */
async function received(expected: number, quietMs: number): Promise<Receipts> {
  let count = receipts.count;
  let changedAt = wallClock();
  while (receipts.count < expected && wallClock() - changedAt < quietMs) {
    await sleep(100);
    if (receipts.count !== count) [count, changedAt] = [receipts.count, wallClock()];
  }
  return receipts.summary(receiver?.refused.length ?? 0);
}

/** Identifies of people `dest-0` … `dest-<people − 1>` in bodies of PEOPLE_BATCH; ids unique per run. */
function identifyBodies(people: number, trait: Record<string, string>, run: string) {
  const bodies: string[] = [];
  for (let from = 0; from < people; from += PEOPLE_BATCH) {
    const batch = Array.from({ length: Math.min(PEOPLE_BATCH, people - from) }, (_, offset) => ({
      type: 'identify',
      messageId: `${run}-${from + offset}`,
      userId: `dest-${from + offset}`,
      traits: trait,
    }));
    bodies.push(bodyOf(batch));
  }
  return bodies;
}

answerCommands<DestinationsCommand>(async (command) => {
  switch (command.kind) {
    case 'receive':
      return receive(command.secret);
    case 'use-secret':
      return receiver?.useSecret(command.secret);
    case 'identify':
      return postBodies(command.tracking, identifyBodies(command.people, command.trait, command.run));
    case 'received':
      return received(command.expected, command.quietMs);
    case 'close':
      return receiver?.close();
  }
});
