import type { PrismEvent } from '@prism/bus';
import type { Collection, Db } from 'mongodb';

interface OutboxSlotDocument {
  _id: string;
  spaceId: string;
  state: 'pending' | 'published';
  eventsJson: string;
  /** Profile versions the events describe: an event is valid once its profile reached it. */
  expected: { profileId: string; version: number }[];
  updatedAt: Date;
}

export interface PendingEvents {
  events: PrismEvent[];
  expected: Map<string, number>;
}

/**
 * The outbox of batch writes. A batch changes many profiles, and a per-document outbox would cost
 * a second write per profile on a server without multi-document transactions. Instead one slot
 * per space and writer holds the batch's events, written before the profiles: after a crash the
 * events whose profile reached the expected version are published (the write landed), the others
 * are dropped (the redelivered messages will produce them again).
 */
export class BatchOutbox {
  private readonly slots: Collection<OutboxSlotDocument>;

  constructor(
    db: Db,
    private readonly writer: string,
  ) {
    this.slots = db.collection('profile_outbox');
  }

  async hold(spaceId: string, events: PrismEvent[], expected: { profileId: string; version: number }[]) {
    await this.write(spaceId, 'pending', events, expected);
  }

  async published(spaceId: string): Promise<void> {
    await this.write(spaceId, 'published', [], []);
  }

  async pending(spaceId: string): Promise<PendingEvents | undefined> {
    const slot = await this.slots.findOne({ _id: this.idOf(spaceId), spaceId });
    if (slot?.state !== 'pending') return undefined;
    return {
      events: JSON.parse(slot.eventsJson) as PrismEvent[],
      expected: new Map(slot.expected.map(({ profileId, version }) => [profileId, version])),
    };
  }

  private async write(
    spaceId: string,
    state: OutboxSlotDocument['state'],
    events: PrismEvent[],
    expected: OutboxSlotDocument['expected'],
  ) {
    const doc = {
      _id: this.idOf(spaceId),
      spaceId,
      state,
      eventsJson: JSON.stringify(events),
      expected,
      updatedAt: new Date(),
    };
    await this.slots.replaceOne({ _id: doc._id, spaceId }, doc, { upsert: true });
  }

  private idOf(spaceId: string) {
    return `${spaceId}|${this.writer}`;
  }
}
