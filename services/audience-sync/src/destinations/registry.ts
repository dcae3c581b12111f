import type { DestinationStore } from '../store/destinations.js';
import type { DestinationDocument } from './destination.js';

/**
 * The destinations each audience's events go to, held in memory for the event feed and the
 * dispatcher, and reloaded from the store after every change through the API. A destination is
 * in it before its first backfill is taken, so no change after the backfill escapes it.
 */
export class DestinationRegistry {
  private readonly byId = new Map<string, DestinationDocument>();

  constructor(private readonly store: DestinationStore) {}

  async load(): Promise<void> {
    for (const doc of await this.store.all()) this.byId.set(doc._id, doc);
  }

  /** Reads one destination again (after it changed), or forgets it (deleted). */
  async refresh(spaceId: string, id: string): Promise<DestinationDocument | undefined> {
    const doc = await this.store.get(spaceId, id).catch(() => undefined);
    if (doc) this.byId.set(id, doc);
    else this.byId.delete(id);
    return doc;
  }

  put(doc: DestinationDocument): void {
    this.byId.set(doc._id, doc);
  }

  get(id: string): DestinationDocument | undefined {
    return this.byId.get(id);
  }

  all(): DestinationDocument[] {
    return [...this.byId.values()];
  }

  /** The enabled destinations following an audience of a space. */
  following(spaceId: string, audienceKey: string): DestinationDocument[] {
    return this.all().filter(
      (doc) => doc.enabled && doc.spaceId === spaceId && doc.audienceKey === audienceKey,
    );
  }
}
