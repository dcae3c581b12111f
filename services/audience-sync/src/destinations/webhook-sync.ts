import type { DeliveryDocument } from '../store/deliveries.js';
import { backfillDeliveries } from './backfill.js';
import type { DestinationDocument } from './destination.js';
import type { KindSync, SyncContext } from './dispatcher.js';
import { RateLimiter } from './rate-limiter.js';
import { MAX_ATTEMPTS, retryDelay, sendWebhook, type WebhookOutcome } from './webhook/sender.js';
import { liveSecrets } from './webhook/signing.js';

/**
 * Deliveries read per round: what the destination's rate limit allows in two seconds, between 500
 * and 10,000. Each read sorts the destination's queue by stream position, which a Mongo-wire
 * server without that index (our FerretDB build) does by reading the whole queue: few large
 * rounds, as for Meta and CSV, not many small ones.
 */
const roundOf = (destination: DestinationDocument) =>
  Math.min(10_000, Math.max(500, destination.rateLimitPerSecond * 2));
/** Profiles delivered to at once (one request at a time per profile keeps its order). */
const LANES = 32;
/** Backfill deliveries are queued this many at a time. */
const QUEUE_CHUNK = 5_000;

interface RoundResult {
  delivered: DeliveryDocument[];
  retries: { item: DeliveryDocument; dueAt: Date; error: string }[];
  dead: { item: DeliveryDocument; error: string }[];
  gone?: string;
}

/**
 * Webhooks: one signed POST per change, the CloudEvent as body. A profile's deliveries go in
 * order (one lane per profile, a failed one holds back its later ones), a newer campaign epoch
 * waits until nothing of the older one is left, and a destination's rate limit caps requests.
 * A receiver that failed a whole round is probed with one lane until it answers again, so an
 * outage costs one backoff schedule, not an attempt of every waiting change.
 */
export function webhookSync(limiter = new RateLimiter()): KindSync {
  const failing = new Set<string>();
  return {
    async run(destination, context) {
      const { deliveries } = context.repos;
      if (destination.backfillsRequested > destination.backfillsDone) {
        const snapshot = await context.snapshot(destination);
        const queued = backfillDeliveries(destination, snapshot);
        for (let at = 0; at < queued.length; at += QUEUE_CHUNK)
          await deliveries.enqueue(queued.slice(at, at + QUEUE_CHUNK));
        await context.backfilled(destination, snapshot.throughSeq);
      }
      const round = roundOf(destination);
      const items = await deliveries.next(destination.spaceId, destination._id, round);
      const now = context.now();
      const due = lanesOf(items, now);
      const lanes = failing.has(destination._id) ? due.lanes.slice(0, 1) : due.lanes;
      const allowed = limiter.take(
        destination._id,
        destination.rateLimitPerSecond,
        countOf(lanes),
        now.getTime(),
      );
      const result = await deliverLanes(destination, trim(lanes, allowed), context);
      await record(destination, context, result);
      if (result.delivered.length > 0) failing.delete(destination._id);
      else if (result.retries.length > 0) failing.add(destination._id);
      if (result.gone) return undefined;
      const progressed =
        result.delivered.length > 0 || (items.length === round && !failing.has(destination._id));
      if (allowed < countOf(lanes)) return limiter.nextSlot(destination.rateLimitPerSecond, now.getTime());
      const retryAt = Math.min(due.waitingUntil, ...result.retries.map((retry) => retry.dueAt.getTime()));
      return progressed ? now.getTime() : Number.isFinite(retryAt) ? retryAt : undefined;
    },
  };
}

/**
 * The deliveries due now, by profile in stream order. A profile with a delivery not yet due
 * waits whole; deliveries of a campaign epoch newer than the oldest pending one wait too.
 */
function lanesOf(items: DeliveryDocument[], now: Date) {
  const lanes = new Map<string, DeliveryDocument[]>();
  const held = new Set<string>();
  let waitingUntil = Number.POSITIVE_INFINITY;
  const oldestEpoch = Math.min(...items.map((item) => item.epoch));
  for (const item of items) {
    if (item.epoch > oldestEpoch) break;
    if (held.has(item.profileId)) continue;
    if (item.dueAt > now) {
      held.add(item.profileId);
      waitingUntil = Math.min(waitingUntil, item.dueAt.getTime());
      continue;
    }
    lanes.set(item.profileId, [...(lanes.get(item.profileId) ?? []), item]);
  }
  return { lanes: [...lanes.values()], waitingUntil };
}

const countOf = (lanes: DeliveryDocument[][]) => lanes.reduce((sum, lane) => sum + lane.length, 0);

/** The first `allowed` deliveries, lanes kept whole up to the cut. */
function trim(lanes: DeliveryDocument[][], allowed: number): DeliveryDocument[][] {
  const kept: DeliveryDocument[][] = [];
  let left = allowed;
  for (const lane of lanes) {
    if (left <= 0) break;
    kept.push(lane.slice(0, left));
    left -= lane.length;
  }
  return kept;
}

async function deliverLanes(
  destination: DestinationDocument,
  lanes: DeliveryDocument[][],
  context: SyncContext,
): Promise<RoundResult> {
  const result: RoundResult = { delivered: [], retries: [], dead: [] };
  const target = {
    url: destination.webhook?.url ?? '',
    secrets: destination.webhook ? liveSecrets(destination.webhook.secrets, context.now()) : [],
  };
  let next = 0;
  const worker = async () => {
    for (let lane = lanes[next++]; lane && !result.gone; lane = lanes[next++])
      for (const item of lane) {
        const outcome = await sendWebhook(target, {
          id: item._id,
          timestamp: context.now(),
          body: item.body,
        });
        if (!settle(result, item, outcome, context.now())) break;
      }
  };
  await Promise.all(Array.from({ length: Math.min(LANES, lanes.length) }, worker));
  return result;
}

/** Files one outcome; answers whether the lane goes on. */
function settle(result: RoundResult, item: DeliveryDocument, outcome: WebhookOutcome, now: Date): boolean {
  if (outcome.kind === 'delivered') {
    result.delivered.push(item);
    return true;
  }
  if (outcome.kind === 'gone') result.gone = outcome.error;
  else if (outcome.kind === 'rejected' || item.attempts + 1 >= MAX_ATTEMPTS)
    result.dead.push({ item, error: outcome.error });
  else {
    const delay = retryDelay(item.attempts + 1, outcome.retryAfterMs);
    result.retries.push({ item, dueAt: new Date(now.getTime() + delay), error: outcome.error });
  }
  return false;
}

async function record(destination: DestinationDocument, context: SyncContext, result: RoundResult) {
  const { deliveries, destinations } = context.repos;
  const { spaceId, _id: id } = destination;
  await deliveries.delivered(
    spaceId,
    result.delivered.map((item) => item._id),
  );
  for (const { item, dueAt, error } of result.retries)
    await deliveries.retryLater(spaceId, item._id, item.attempts + 1, dueAt, error);
  for (const { item, error } of result.dead)
    await deliveries.bury(spaceId, [item._id], error, item.attempts + 1);
  if (result.gone) await context.disable(destination, `the receiver answered 410 Gone: ${result.gone}`);
  const added = result.delivered.filter((item) => item.change === 'entered').length;
  const failure = result.retries[0]?.error ?? result.dead[0]?.error;
  const nextRetryAt = result.retries.map((retry) => retry.dueAt).sort((a, b) => a.getTime() - b.getTime())[0];
  const delivered = result.delivered.length > 0;
  if (!delivered && !failure) return;
  await destinations.recordStatus(
    spaceId,
    id,
    { added, removed: result.delivered.length - added, failed: result.dead.length },
    {
      ...(delivered && { lastSyncAt: context.now() }),
      ...(failure && { lastError: failure }),
      ...(nextRetryAt && { nextRetryAt }),
    },
    [...(failure ? [] : (['lastError'] as const)), ...(nextRetryAt ? [] : (['nextRetryAt'] as const))],
  );
}
