import { randomUUID } from 'node:crypto';
import { type Bus, streamName } from '@prism/bus';
import type { Logger } from '@prism/log';
import { AckPolicy, DeliverPolicy, nanos } from 'nats';
import { readProfileMessage } from '../handlers/profile-events.js';
import type { AudienceEngine } from './engine.js';

/**
 * Rebuilds the profile mirror at start by reading the profile stream from its first message to
 * its last (nothing acked, nothing evaluated). The stream is the mirror's
 * log; applying is idempotent, so the durable consumer that follows may deliver some again.
 */
export async function replayProfiles(bus: Bus, engine: AudienceEngine, logger: Logger): Promise<number> {
  const stream = streamName(bus.prefix, 'profile');
  const info = await bus.jsm.streams.info(stream);
  const last = info.state.last_seq;
  if (info.state.messages === 0) return 0;
  const started = Date.now();
  logger.info({ events: info.state.messages }, 'mirroring profiles from the profile stream');
  // A named pull consumer without acks, removed afterwards (nats.js's ordered consumer needs NATS 2.10).
  const name = `audience_replay_${randomUUID().slice(0, 8)}`;
  await bus.jsm.consumers.add(stream, {
    name,
    ack_policy: AckPolicy.None,
    deliver_policy: DeliverPolicy.All,
    filter_subject: `${bus.prefix}.*.profile.*`,
    inactive_threshold: nanos(60_000),
  });
  const messages = await (await bus.js.consumers.get(stream, name)).consume({ max_messages: 4_096 });
  let applied = 0;
  for await (const msg of messages) {
    const read = readProfileMessage(msg.data);
    // Poison is the durable consumer's to dead-letter; the mirror skips it.
    if (read && !('error' in read)) {
      engine.space(read.spaceId).mirror.apply(read.change);
      applied += 1;
    }
    if (msg.seq >= last) break;
  }
  // Leaving the loop stops the consumption (awaiting `close()` after it never resolves).
  await bus.jsm.consumers.delete(stream, name).catch(() => undefined);
  logger.info({ events: applied, ms: Date.now() - started }, 'profiles mirrored from the profile stream');
  return applied;
}
