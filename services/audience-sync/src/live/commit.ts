import type { EventContext, EventPublisher, PrismEvent } from '@prism/bus';
import type { Logger } from '@prism/log';
import { type AudienceDayCount, countByDay } from '../domain/audience-days.js';
import type { MembershipChange } from '../domain/membership.js';
import type { ProfileView } from '../domain/profile-mirror.js';
import { membershipChanged } from '../events/audience-events.js';
import type { LogEntry } from '../store/membership-store.js';
import type { AudienceRepositories } from '../store/repositories.js';
import type { SpaceState } from './space-state.js';

/** Changes per log document: its events stay well under the 16 MB document limit. */
export const COMMIT_CHUNK = 5_000;
const PUBLISH_WINDOW = 500;

export interface Committer {
  /**
   * Stores and announces membership changes, in chunks: each chunk is one log write (changes and
   * their events: the outbox), then applied in memory, then published, then counted in its
   * audiences' days, then marked published (so recovery redoes the counting of what it republishes).
   * A chunk whose publication failed is published before any later one, by the next commit (one
   * of no changes too) or at start.
   * `departed` holds profiles that left the mirror in this pass, for their exit events.
   */
  commit(
    state: SpaceState,
    context: EventContext,
    changes: readonly MembershipChange[],
    options?: {
      departed?: ReadonlyMap<string, ProfileView>;
      extraEvents?: PrismEvent[];
      onChunk?: (done: number) => Promise<void>;
    },
  ): Promise<void>;
  /**
   * Publishes a log entry's events again (recovery, its changes applied), counts it in its
   * audiences' days (once: the days know the entries they counted) and marks it published.
   */
  republish(state: SpaceState, entry: LogEntry): Promise<void>;
}

export function committer(
  { membership, days }: Pick<AudienceRepositories, 'membership' | 'days'>,
  publisher: EventPublisher,
  logger: Logger,
): Committer {
  /**
   * Issued in order on one connection, so JetStream stores them in order; acks are awaited a
   * window at a time (measured here: 500 in flight publish ~35 % faster than 5,000).
   */
  async function publishAll(events: readonly PrismEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += PUBLISH_WINDOW)
      await Promise.all(events.slice(start, start + PUBLISH_WINDOW).map((event) => publisher.publish(event)));
  }

  /** What a log entry did to each audience per day, its changes applied to `state`. */
  const countsOf = (state: SpaceState, changes: readonly MembershipChange[]) =>
    countByDay(changes, (audienceId) => state.live.get(audienceId)?.members.size);

  /** A log entry to publish, with what it did to its audiences' days. */
  interface Delivery {
    seq: number;
    events: readonly PrismEvent[];
    counts: AudienceDayCount[];
  }
  /**
   * Per space, the log entries written and not yet published, oldest first. A failed publication
   * (NATS down) leaves its entry here, to go out before any later one: the published mark covers
   * every entry up to it, so a later entry published first would hide this one for good.
   */
  const undelivered = new Map<string, Delivery[]>();

  /**
   * The queued entries in log order, each counted before marked: recovery republishes, and counts
   * again (once), what is not marked.
   */
  async function deliverQueued(spaceId: string) {
    const waiting = undelivered.get(spaceId) ?? [];
    for (let next = waiting[0]; next !== undefined; next = waiting[0]) {
      await publishAll(next.events);
      await days.record(spaceId, next.seq, next.counts);
      await membership.markPublished(spaceId, next.seq);
      waiting.shift();
    }
  }

  function queueDelivery(spaceId: string, delivery: Delivery) {
    const waiting = undelivered.get(spaceId) ?? [];
    undelivered.set(spaceId, waiting);
    waiting.push(delivery);
  }

  return {
    async commit(state, context, changes, options = {}) {
      const { departed, extraEvents = [], onChunk } = options;
      const viewOf = (profileId: string) => state.mirror.get(profileId) ?? departed?.get(profileId);
      // What an earlier failure left unpublished goes first (a commit of no changes retries it).
      let publishing = deliverQueued(state.spaceId);
      publishing.catch(() => undefined);
      for (
        let start = 0;
        start < changes.length || (start === 0 && extraEvents.length > 0);
        start += COMMIT_CHUNK
      ) {
        const chunk = changes.slice(start, start + COMMIT_CHUNK);
        const last = start + COMMIT_CHUNK >= changes.length;
        const events = chunk.flatMap((change) => {
          const audience = state.live.get(change.audienceId);
          if (!audience || change.silent) return [];
          return [membershipChanged(context, audience.definition, change, viewOf(change.profileId))];
        });
        if (last) events.push(...extraEvents);
        const seq = state.seq + 1;
        // Storing this chunk overlaps publishing the one before; publications stay in order.
        await membership.append(state.spaceId, seq, chunk, events);
        state.seq = seq;
        state.apply(chunk);
        state.noteChanged(chunk);
        const counts = countsOf(state, chunk);
        queueDelivery(state.spaceId, { seq, events, counts });
        await publishing;
        publishing = deliverQueued(state.spaceId);
        // Awaited at the next chunk or the end; marked handled so a failure meanwhile is not fatal.
        publishing.catch(() => undefined);
        await onChunk?.(start + chunk.length);
      }
      await publishing;
      if (changes.length > 0)
        logger.debug({ space: state.spaceId, changes: changes.length }, 'membership committed');
    },

    async republish(state, { seq, changes, events }) {
      queueDelivery(state.spaceId, { seq, events, counts: countsOf(state, changes) });
      await deliverQueued(state.spaceId);
    },
  };
}
