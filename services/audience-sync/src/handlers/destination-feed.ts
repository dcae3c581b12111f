import {
  type Bus,
  decodeEvent,
  encodeEvent,
  kindOf,
  type PrismEvent,
  startGroupFeed,
  streamName,
} from '@prism/bus';
import type { Logger } from '@prism/log';
import { z } from 'zod';
import type { DestinationRegistry } from '../destinations/registry.js';
import type { DeliveryDocument, DeliveryQueue } from '../store/deliveries.js';

/**
 * audience.entered / audience.exited (prism.events.v1.AudienceMembershipChanged, proto3 JSON):
 * the fields destinations read, the others kept, since the event is a webhook's body as it is.
 */
export const membershipEventData = z.looseObject({
  audienceKey: z.string().default(''),
  profileId: z.string().default(''),
  identifiers: z.array(z.object({ type: z.string(), value: z.string() })).default([]),
  epoch: z.coerce.number().int().default(0),
});
export type MembershipEventData = z.infer<typeof membershipEventData>;
type MembershipEvent = PrismEvent<MembershipEventData>;

export const DESTINATIONS_DURABLE = 'audience_destinations';
const CHANGES = { 'audience.entered': 'entered', 'audience.exited': 'exited' } as const;

/**
 * Queues each membership change for every enabled destination of its audience (the queue is
 * their outbox: a change is stored before the event is acked), then wakes the dispatcher.
 * Whatever arrived while a group was queued is the next group, queued in one write per space:
 * a busy audience reaches its destinations at the rate of the queue, not of one write per change.
 * Queued by event id, so a redelivered event is queued once.
 */
export function startDestinationFeed(
  bus: Bus,
  destinations: { registry: DestinationRegistry; deliveries: DeliveryQueue; wake(ids: string[]): void },
  logger: Logger,
) {
  return startGroupFeed<MembershipEvent>(bus, logger, {
    stream: streamName(bus.prefix, 'audience'),
    filterSubject: `${bus.prefix}.*.audience.>`,
    durable: DESTINATIONS_DURABLE,
    maxDeliver: 5,
    // A kill -9 leaves a group unacked: redelivered this soon after (groups are held alive meanwhile).
    ackWaitMs: 10_000,
    maxAckPending: 4_096,
    maxMessages: 2_048,
    read(msg) {
      let event: MembershipEvent;
      try {
        event = decodeEvent(msg.data, membershipEventData);
      } catch (error) {
        return { error: String(error) };
      }
      return kindOf(event) in CHANGES ? { partition: event.prismspace, item: event } : undefined;
    },
    async apply(_space, received) {
      const queued = received.flatMap(({ item, seq }) => deliveriesOf(destinations.registry, item, seq));
      await destinations.deliveries.enqueue(queued);
      destinations.wake([...new Set(queued.map((delivery) => delivery.destinationId))]);
    },
  });
}

/** One delivery of a membership change per enabled destination of its audience. */
function deliveriesOf(
  registry: DestinationRegistry,
  event: MembershipEvent,
  seq: number,
): DeliveryDocument[] {
  const change = CHANGES[kindOf(event) as keyof typeof CHANGES];
  const { audienceKey, profileId, identifiers, epoch } = event.data;
  const targets = registry.following(event.prismspace, audienceKey);
  if (targets.length === 0) return [];
  const body = Buffer.from(encodeEvent(event)).toString('utf8');
  return targets.map((destination) => ({
    _id: `${destination._id}:${event.id}`,
    spaceId: event.prismspace,
    destinationId: destination._id,
    seq,
    profileId,
    change,
    epoch,
    body,
    identifiers,
    attempts: 0,
    dueAt: new Date(0),
    state: 'pending',
  }));
}
