import { type Delivery, encodeEvent, kindOf, type PrismEvent } from '@prism/bus';
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

const CHANGES = { 'audience.entered': 'entered', 'audience.exited': 'exited' } as const;

/**
 * Queues each membership change for every enabled destination of its audience (the queue is
 * their outbox: a change is stored before the event is acked), then wakes the dispatcher.
 * Queued by event id, so a redelivered event is queued once.
 */
export function destinationFeedHandler(
  registry: DestinationRegistry,
  deliveries: DeliveryQueue,
  wake: (destinationIds: string[]) => void,
) {
  return async (event: PrismEvent<MembershipEventData>, delivery: Delivery): Promise<void> => {
    const change = CHANGES[kindOf(event) as keyof typeof CHANGES];
    if (!change) return;
    const { audienceKey, profileId, identifiers, epoch } = event.data;
    const targets = registry.following(event.prismspace, audienceKey);
    if (targets.length === 0) return;
    const body = Buffer.from(encodeEvent(event)).toString('utf8');
    const queued: DeliveryDocument[] = targets.map((destination) => ({
      _id: `${destination._id}:${event.id}`,
      spaceId: event.prismspace,
      destinationId: destination._id,
      seq: delivery.streamSeq,
      profileId,
      change,
      epoch,
      body,
      identifiers,
      attempts: 0,
      dueAt: new Date(0),
      state: 'pending',
    }));
    await deliveries.enqueue(queued);
    wake(targets.map((destination) => destination._id));
  };
}
