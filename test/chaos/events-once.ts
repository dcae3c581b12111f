import { callUnary } from '@prism/grpc';
import type { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { keyOf } from '@prism/testing/world';
import { SPACE } from './cluster.js';

/**
 * "Every accepted event is in its profile exactly once", read through the Profile API: each
 * user's event history (ListProfileEvents by `user_id`) against the messageIds accepted for it.
 */

const PAGE_SIZE = 100;
const SETTLE_TIMEOUT_MS = 120_000;
const POLL_MS = 500;

export interface EventsOnce {
  /** Accepted messages looked for. */
  checked: number;
  /** Accepted, but in no profile history. */
  lost: string[];
  /** In a profile's history more than once. */
  duplicated: string[];
  /** How long after the load stopped the last accepted event appeared. */
  settledMs: number;
}

/** Polls until every accepted event is in its profile (or the bound), then reports what is not. */
export async function eventsExactlyOnce(
  client: ProfileServiceClient,
  accepted: ReadonlyMap<string, string>,
): Promise<EventsOnce> {
  const started = Date.now();
  const byUser = new Map<string, Set<string>>();
  for (const [messageId, userId] of accepted)
    byUser.set(userId, (byUser.get(userId) ?? new Set()).add(messageId));
  for (;;) {
    const found = await Promise.all(
      [...byUser].map(async ([userId, ids]) => compare(ids, await historyOf(client, userId))),
    );
    const lost = found.flatMap((f) => f.lost);
    const duplicated = found.flatMap((f) => f.duplicated);
    const settled = lost.length === 0 || Date.now() - started > SETTLE_TIMEOUT_MS;
    if (settled) return { checked: accepted.size, lost, duplicated, settledMs: Date.now() - started };
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

function compare(accepted: Set<string>, history: string[]) {
  const seen = new Map<string, number>();
  for (const messageId of history) seen.set(messageId, (seen.get(messageId) ?? 0) + 1);
  return {
    lost: [...accepted].filter((messageId) => !seen.has(messageId)),
    duplicated: [...seen].filter(([, count]) => count > 1).map(([messageId]) => messageId),
  };
}

/** The messageIds of a user's profile history, every page; none while the profile is unknown. */
async function historyOf(client: ProfileServiceClient, userId: string): Promise<string[]> {
  const messageIds: string[] = [];
  let pageToken = '';
  try {
    do {
      const page = await callUnary(client, client.listProfileEvents, keyOf(SPACE), {
        lookup: `user_id:${userId}`,
        pageSize: PAGE_SIZE,
        pageToken,
        name: '',
      });
      messageIds.push(...page.events.map((event) => event.messageId));
      pageToken = page.nextPageToken;
    } while (pageToken);
  } catch {
    return [];
  }
  return messageIds;
}
