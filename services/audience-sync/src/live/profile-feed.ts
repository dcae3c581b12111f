import { type Bus, startGroupFeed, streamName } from '@prism/bus';
import type { Logger } from '@prism/log';
import { readProfileMessage } from '../handlers/profile-events.js';
import type { AudienceEngine, ProfileEvent } from './engine.js';

export const PROFILE_DURABLE = 'audience_profiles';

/**
 * Follows profile.* with group commit: whatever arrived while a group was applied is the next
 * group, one engine call per space (one evaluation pass, one log write per 1,000 changes, one
 * publish round). Retries, backoff and dead letters are the group feed's (`@prism/bus`).
 */
export function startProfileFeed(bus: Bus, engine: AudienceEngine, logger: Logger) {
  return startGroupFeed<ProfileEvent & { traceparent?: string | undefined }>(bus, logger, {
    stream: streamName(bus.prefix, 'profile'),
    filterSubject: `${bus.prefix}.*.profile.*`,
    durable: PROFILE_DURABLE,
    maxDeliver: 5,
    ackWaitMs: 30_000,
    maxAckPending: 4_096,
    maxMessages: 2_048,
    read(msg) {
      const read = readProfileMessage(msg.data);
      if (read === undefined || 'error' in read) return read;
      const { spaceId, id, change, traceparent } = read;
      return { partition: spaceId, item: { id, change, traceparent } };
    },
    async apply(spaceId, received) {
      const traceparent = received.at(-1)?.item.traceparent;
      await engine.applyProfileEvents(
        spaceId,
        received.map(({ item }) => ({ id: item.id, change: item.change })),
        { space: spaceId, ...(traceparent && { traceparent }) },
      );
    },
  });
}
