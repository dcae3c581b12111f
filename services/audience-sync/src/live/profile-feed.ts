import {
  type Bus,
  consumeInGroups,
  deadLetterSubjectOf,
  ensureDeadLetterStream,
  ensureDurableConsumer,
  publishDeadLetter,
  streamName,
} from '@prism/bus';
import type { Logger } from '@prism/log';
import type { JsMsg } from 'nats';
import { readProfileMessage } from '../handlers/profile-events.js';
import type { AudienceEngine, ProfileEvent } from './engine.js';

export const PROFILE_DURABLE = 'audience_profiles';
const ACK_WAIT_MS = 30_000;
const MAX_DELIVER = 5;

interface Delivery {
  msg: JsMsg;
  spaceId: string;
  event: ProfileEvent;
  traceparent?: string | undefined;
}

/**
 * Follows profile.* with group commit: whatever arrived while a group was applied is the next
 * group, one engine call per space (one evaluation pass, one log write per 1,000 changes, one
 * publish round). A failing group is retried delivery by delivery, with backoff; one that keeps
 * failing, and poison at once, is dead-lettered. Acked only once its changes are stored.
 */
export async function startProfileFeed(bus: Bus, engine: AudienceEngine, logger: Logger) {
  const stream = streamName(bus.prefix, 'profile');
  await ensureDeadLetterStream(bus.jsm, bus.prefix);
  await ensureDurableConsumer(bus.jsm, {
    stream,
    durable: PROFILE_DURABLE,
    filterSubject: `${bus.prefix}.*.profile.*`,
    maxDeliver: MAX_DELIVER,
    ackWaitMs: ACK_WAIT_MS,
    maxAckPending: 4_096,
  });
  const deadLetter = (msg: JsMsg, reason: 'poison' | 'max_deliver', error: unknown) =>
    publishDeadLetter(bus.js, msg, {
      subject: deadLetterSubjectOf(bus.prefix, PROFILE_DURABLE),
      consumer: PROFILE_DURABLE,
      reason,
      error,
      attempts: msg.info.deliveryCount,
    }).then(() => msg.term());

  async function apply(spaceId: string, deliveries: Delivery[]): Promise<void> {
    const traceparent = deliveries.at(-1)?.traceparent;
    await engine.applyProfileEvents(
      spaceId,
      deliveries.map((delivery) => delivery.event),
      { space: spaceId, ...(traceparent && { traceparent }) },
    );
    for (const { msg } of deliveries) msg.ack();
  }

  async function applySpace(spaceId: string, deliveries: Delivery[]): Promise<void> {
    try {
      return await apply(spaceId, deliveries);
    } catch (error) {
      logger.warn(
        { err: error, space: spaceId, size: deliveries.length },
        'profile events failed; retrying one by one',
      );
    }
    for (const delivery of deliveries) {
      await apply(spaceId, [delivery]).catch(async (error: unknown) => {
        const { msg } = delivery;
        if (msg.info.deliveryCount < MAX_DELIVER)
          return msg.nak(Math.min(15_000, 200 * 5 ** (msg.info.deliveryCount - 1)));
        logger.error(
          { err: error, subject: msg.subject },
          'profile event dead-lettered after its last attempt',
        );
        await deadLetter(msg, 'max_deliver', error);
      });
    }
  }

  async function applyGroup(group: JsMsg[]): Promise<void> {
    const bySpace = new Map<string, Delivery[]>();
    for (const msg of group) {
      const parsed = parse(msg);
      if ('error' in parsed) {
        await deadLetter(msg, 'poison', new Error(parsed.error));
        continue;
      }
      if (!parsed.delivery) {
        msg.ack();
        continue;
      }
      const list = bySpace.get(parsed.delivery.spaceId) ?? [];
      list.push(parsed.delivery);
      bySpace.set(parsed.delivery.spaceId, list);
    }
    await Promise.all([...bySpace].map(([spaceId, deliveries]) => applySpace(spaceId, deliveries)));
  }

  return consumeInGroups(await bus.js.consumers.get(stream, PROFILE_DURABLE), {
    maxMessages: 2_048,
    apply: applyGroup,
    onError: (error) =>
      logger.error({ err: error }, 'profile event group failed; unsettled events will be redelivered'),
  });
}

function parse(msg: JsMsg): { delivery?: Delivery } | { error: string } {
  const read = readProfileMessage(msg.data);
  if (read === undefined) return {};
  if ('error' in read) return read;
  const { spaceId, id, change, traceparent } = read;
  return { delivery: { msg, spaceId, event: { id, change }, traceparent } };
}
