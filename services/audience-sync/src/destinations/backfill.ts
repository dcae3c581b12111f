import { encodeEvent } from '@prism/bus';
import { membershipChanged } from '../events/audience-events.js';
import type { DeliveryDocument } from '../store/deliveries.js';
import type { DestinationDocument } from './destination.js';
import type { AudienceSnapshot } from './snapshot.js';

/**
 * Everyone in the audience as `audience.entered` deliveries (cause BACKFILL), placed at the
 * snapshot's stream position: after every change the snapshot holds, before every later one.
 */
export function backfillDeliveries(
  destination: DestinationDocument,
  snapshot: AudienceSnapshot,
): DeliveryDocument[] {
  const { definition } = snapshot;
  if (!definition) return [];
  const context = { space: destination.spaceId };
  return snapshot.members.map(({ profileId, enteredAt, profile }) => {
    const change = {
      audienceId: definition.id,
      profileId,
      entered: true,
      at: enteredAt,
      cause: { kind: 'BACKFILL' as const },
    };
    const event = membershipChanged(context, definition, change, profile);
    return {
      _id: `${destination._id}:backfill${destination.backfillsRequested}:${profileId}`,
      spaceId: destination.spaceId,
      destinationId: destination._id,
      seq: snapshot.throughSeq,
      profileId,
      change: 'entered',
      epoch: definition.campaign?.epoch ?? 0,
      body: Buffer.from(encodeEvent(event)).toString('utf8'),
      identifiers: profile?.identifiers ?? [],
      attempts: 0,
      dueAt: new Date(0),
      state: 'pending',
    };
  });
}
