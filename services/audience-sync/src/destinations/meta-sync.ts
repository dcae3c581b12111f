import type { DeliveryDocument } from '../store/deliveries.js';
import type { DestinationDocument } from './destination.js';
import type { KindSync, SyncContext } from './dispatcher.js';
import { MetaAudienceClient } from './meta/client.js';
import { MetaApiError } from './meta/errors.js';
import { type MetaPerson, metaRow } from './meta/normalise.js';
import type { MetaKey, MetaRow } from './meta/schema.js';
import { RateLimiter } from './rate-limiter.js';
import { MAX_ATTEMPTS, retryDelay } from './webhook/sender.js';

/** Changes read per round: five requests of Meta's 10,000 rows. */
const ROUND = 50_000;

export interface MetaSyncOptions {
  /** The Graph API root with its version; Meta's own unless configured (tests: the fake). */
  graphUrl: string;
  /** Rows per request (Meta's cap of 10,000 unless lower). */
  batchSize?: number;
}

/**
 * Meta Custom Audiences: a backfill or resync is one `usersreplace` session of everyone in the
 * audience; afterwards the waiting changes go as adds and removes, netted per person (their
 * last change wins), oldest campaign epoch first. Nothing is sent while the audience suggests
 * a sensitive category. A failure Meta does not clear by retrying is retried with backoff;
 * after the last attempt the changes become dead letters.
 */
export function metaSync(options: MetaSyncOptions, limiter = new RateLimiter()): KindSync {
  const failures = new Map<string, number>();
  return {
    async run(destination, context) {
      const refusal = context.refusal(destination);
      if (refusal) return refuse(destination, context, refusal);
      const now = context.now().getTime();
      if (limiter.take(destination._id, destination.rateLimitPerSecond, 1, now) === 0)
        return limiter.nextSlot(destination.rateLimitPerSecond, now);
      try {
        const more = await syncOnce(destination, context, options);
        failures.delete(destination._id);
        return more ? context.now().getTime() : undefined;
      } catch (error) {
        if (!(error instanceof MetaApiError)) throw error;
        const attempt = (failures.get(destination._id) ?? 0) + 1;
        failures.set(destination._id, attempt < MAX_ATTEMPTS ? attempt : 0);
        return failed(destination, context, error, attempt);
      }
    },
  };
}

/** One round; answers whether more waits. */
async function syncOnce(destination: DestinationDocument, context: SyncContext, options: MetaSyncOptions) {
  const settings = destination.meta;
  if (!settings) return false;
  const client = new MetaAudienceClient({
    baseUrl: options.graphUrl,
    accessToken: settings.accessToken,
    ...(options.batchSize && { batchSize: options.batchSize }),
  });
  const audienceId = settings.customAudienceId || (await createAudience(client, destination, context));
  const schema = settings.schema as MetaKey[];
  const { deliveries, destinations } = context.repos;
  if (destination.backfillsRequested > destination.backfillsDone) {
    const snapshot = await context.snapshot(destination);
    const rows = snapshot.members.map(({ profile }) => profile && metaRow(profile, schema)).filter(isRow);
    const sent = rows.length > 0 ? (await client.replaceUsers(audienceId, { schema, rows })).rowsSent : 0;
    await deliveries.supersede(destination.spaceId, destination._id, snapshot.throughSeq);
    await context.backfilled(destination, snapshot.throughSeq);
    await destinations.recordStatus(destination.spaceId, destination._id, { added: sent }, synced(context), [
      'lastError',
      'nextRetryAt',
    ]);
    return true;
  }
  const read = await deliveries.next(destination.spaceId, destination._id, ROUND);
  // Changes the last replace session already held, queued after it by a feed that lagged behind,
  // and changes sent before and queued again by a redelivered event (not a replayed dead letter).
  const backfilled = destination.backfilledThroughSeq ?? 0;
  const delivered = destination.deliveredThroughSeq ?? 0;
  const isStale = (item: DeliveryDocument) =>
    item.seq <= backfilled || (item.seq <= delivered && !item.replayed);
  const stale = read.filter(isStale);
  await deliveries.delivered(
    destination.spaceId,
    stale.map((item) => item._id),
  );
  const items = oldestEpoch(read.filter((item) => !isStale(item)));
  if (items.length === 0) return stale.length > 0;
  const { adds, removes } = netted(items, (item) => personOf(destination, context, item), schema);
  if (adds.length > 0) await client.addUsers(audienceId, { schema, rows: adds });
  if (removes.length > 0) await client.removeUsers(audienceId, { schema, rows: removes });
  // Marked before they are dequeued: a crash between the two leaves them stale, not sent twice.
  const deliveredThrough = Math.max(delivered, ...items.map((item) => item.seq));
  await destinations.markDelivered(destination.spaceId, destination._id, deliveredThrough);
  destination.deliveredThroughSeq = deliveredThrough;
  await deliveries.delivered(
    destination.spaceId,
    items.map((item) => item._id),
  );
  await destinations.recordStatus(
    destination.spaceId,
    destination._id,
    { added: adds.length, removed: removes.length },
    synced(context),
    ['lastError', 'nextRetryAt'],
  );
  return items.length === ROUND;
}

const synced = (context: SyncContext) => ({ lastSyncAt: context.now(), failures: 0 });
const isRow = (row: MetaRow | undefined): row is MetaRow => row?.some(Boolean) === true;

async function createAudience(
  client: MetaAudienceClient,
  destination: DestinationDocument,
  context: SyncContext,
) {
  const settings = destination.meta as NonNullable<DestinationDocument['meta']>;
  const id = await client.createCustomAudience(settings.adAccountId, {
    name: destination.name,
    description: `Prism audience ${destination.audienceKey}`,
  });
  await context.remember(destination, { meta: { ...settings, customAudienceId: id } });
  return id;
}

/** Deliveries of the oldest campaign epoch waiting: a newer epoch goes only after it. */
function oldestEpoch(items: DeliveryDocument[]): DeliveryDocument[] {
  const oldest = Math.min(...items.map((item) => item.epoch));
  const cut = items.findIndex((item) => item.epoch > oldest);
  return cut < 0 ? items : items.slice(0, cut);
}

/** A person as Meta matches them: the profile now, or (gone) the identifiers of the change. */
function personOf(
  destination: DestinationDocument,
  context: SyncContext,
  item: DeliveryDocument,
): MetaPerson {
  return context.profile(destination, item.profileId) ?? { identifiers: item.identifiers, traits: {} };
}

/** Each person's last change decides: in → a row to add, out → a row to remove. */
function netted(
  items: DeliveryDocument[],
  person: (item: DeliveryDocument) => MetaPerson,
  schema: MetaKey[],
) {
  const last = new Map<string, DeliveryDocument>();
  for (const item of items) last.set(item.profileId, item);
  const adds: MetaRow[] = [];
  const removes: MetaRow[] = [];
  for (const item of last.values()) {
    const row = metaRow(person(item), schema);
    if (!isRow(row)) continue;
    (item.change === 'entered' ? adds : removes).push(row);
  }
  return { adds, removes };
}

async function refuse(destination: DestinationDocument, context: SyncContext, reason: string) {
  await context.repos.destinations.recordStatus(
    destination.spaceId,
    destination._id,
    {},
    { lastError: reason },
  );
  return undefined;
}

async function failed(
  destination: DestinationDocument,
  context: SyncContext,
  error: MetaApiError,
  attempt: number,
) {
  const { deliveries, destinations } = context.repos;
  if (attempt >= MAX_ATTEMPTS) {
    const items = oldestEpoch(await deliveries.next(destination.spaceId, destination._id, ROUND));
    await deliveries.bury(
      destination.spaceId,
      items.map((item) => item._id),
      error.message,
      attempt,
    );
    await destinations.recordStatus(
      destination.spaceId,
      destination._id,
      { failed: items.length },
      { lastError: error.message, failures: 0 },
      ['nextRetryAt'],
    );
    return context.now().getTime();
  }
  const nextRetryAt = new Date(context.now().getTime() + retryDelay(attempt));
  await destinations.recordStatus(
    destination.spaceId,
    destination._id,
    {},
    { lastError: error.message, nextRetryAt, failures: attempt },
  );
  return nextRetryAt.getTime();
}
