import type { PrismEvent } from '@prism/bus';
import type { Collection, Db } from 'mongodb';
import { insertIfAbsent } from './insert-if-absent.js';

interface InboxRecord {
  _id: string;
  spaceId: string;
  consumer: string;
  eventId: string;
  appliedAt: Date;
}

export type InboxOutcome = 'applied' | 'duplicate';

/**
 * Idempotent-handler helper (the eShop pattern): remembers which events a consumer has
 * applied, so a redelivery after a crash before the ack is acknowledged without applying
 * the effect again. The mark is written after the effect; handlers whose effect and mark
 * cannot share one document should also guard their write (by epoch or version), which
 * closes the window between the two writes.
 */
export class Inbox {
  private readonly records: Collection<InboxRecord>;

  constructor(
    db: Db,
    private readonly consumer: string,
  ) {
    this.records = db.collection<InboxRecord>('inbox');
  }

  async handleOnce(event: PrismEvent, apply: () => Promise<void>): Promise<InboxOutcome> {
    const _id = `${this.consumer}:${event.id}`;
    if (await this.records.findOne({ _id, spaceId: event.prismspace })) return 'duplicate';
    await apply();
    await insertIfAbsent(this.records, {
      _id,
      spaceId: event.prismspace,
      consumer: this.consumer,
      eventId: event.id,
      appliedAt: new Date(),
    });
    return 'applied';
  }
}
