import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { traitKeysOf } from '@prism/rules';
import { memberToProto } from '../mapping.js';
import { writeMembersCsv } from '../members-csv.js';
import type { DestinationDocument } from './destination.js';
import type { KindSync, SyncContext } from './dispatcher.js';
import { RateLimiter } from './rate-limiter.js';
import type { AudienceSnapshot } from './snapshot.js';
import { retryDelay } from './webhook/sender.js';

/** Changes read per round: more than this waiting rewrites the file again at once. */
const ROUND = 10_000;

/**
 * A CSV file under the export folder, rewritten whole at each sync (to a temporary file, then
 * renamed, so a reader never sees half a file): everyone in the audience now, the same columns
 * as `prism audiences export`. Changes waiting are what makes it due; the file is their effect.
 */
export function csvSync(exportDir: string, limiter = new RateLimiter()): KindSync {
  /** Failed rewrites in a row, per destination: the backoff's attempt. */
  const failures = new Map<string, number>();
  return {
    async run(destination, context) {
      const { deliveries, destinations } = context.repos;
      const backfill = destination.backfillsRequested > destination.backfillsDone;
      const waiting = await deliveries.next(destination.spaceId, destination._id, ROUND);
      if (!backfill && waiting.length === 0) return undefined;
      const now = context.now().getTime();
      if (limiter.take(destination._id, destination.rateLimitPerSecond, 1, now) === 0)
        return limiter.nextSlot(destination.rateLimitPerSecond, now);
      const snapshot = await context.snapshot(destination);
      try {
        await writeFile(
          join(exportDir, destination.csv?.fileName ?? `${destination._id}.csv`),
          snapshot,
          destination,
        );
      } catch (error) {
        const attempt = (failures.get(destination._id) ?? 0) + 1;
        failures.set(destination._id, attempt);
        return failed(destination, context, error, attempt);
      }
      failures.delete(destination._id);
      await deliveries.supersede(destination.spaceId, destination._id, snapshot.throughSeq);
      if (backfill) await context.backfilled(destination, snapshot.throughSeq);
      const covered = waiting.filter((item) => item.seq <= snapshot.throughSeq);
      const added = covered.filter((item) => item.change === 'entered').length;
      await destinations.recordStatus(
        destination.spaceId,
        destination._id,
        { added, removed: covered.length - added },
        { lastSyncAt: context.now(), failures: 0 },
        ['lastError', 'nextRetryAt'],
      );
      return waiting.length === ROUND ? context.now().getTime() : undefined;
    },
  };
}

async function writeFile(path: string, snapshot: AudienceSnapshot, destination: DestinationDocument) {
  await mkdir(join(path, '..'), { recursive: true });
  const rule = snapshot.definition?.rule;
  const traitPaths = destination.csv?.traitKeys.length
    ? destination.csv.traitKeys
    : rule
      ? traitKeysOf(rule)
      : [];
  const members = snapshot.members.map(({ profileId, profile, enteredAt }) =>
    memberToProto(profileId, profile, traitPaths, enteredAt),
  );
  const total = members.length;
  async function* batches() {
    yield { members, total };
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeMembersCsv(batches(), createWriteStream(temporary), { traitPaths });
  await rename(temporary, path);
}

/** A failed rewrite (the folder unwritable, the disk full): tried again with backoff. */
async function failed(
  destination: DestinationDocument,
  context: SyncContext,
  error: unknown,
  attempt: number,
) {
  const nextRetryAt = new Date(context.now().getTime() + retryDelay(attempt));
  await context.repos.destinations.recordStatus(
    destination.spaceId,
    destination._id,
    {},
    { failures: attempt, nextRetryAt, lastError: `cannot write the CSV file: ${(error as Error).message}` },
  );
  return nextRetryAt.getTime();
}
