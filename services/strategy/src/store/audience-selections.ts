import type { DocumentLocks } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import {
  type AudienceSelection,
  type AudienceSelectionEvent,
  applySelectionEvent,
} from '../domain/audience-selection.js';

interface AudienceSelectionDocument extends AudienceSelection {
  _id: string;
  spaceId: string;
}

const COLLECTION = 'campaign_audience_selections';

/** Projection of `campaign.personas.*` and `campaign.segments.*`: the read model of step 3. */
export class AudienceSelectionProjection {
  private readonly docs: Collection<AudienceSelectionDocument>;

  constructor(
    db: Db,
    private readonly locks: DocumentLocks,
  ) {
    this.docs = db.collection<AudienceSelectionDocument>(COLLECTION);
  }

  /** Under the document's lock: the two consumers (personas, segments) write the same document. */
  async apply(spaceId: string, campaignId: string, event: AudienceSelectionEvent): Promise<void> {
    await this.locks.withLock(COLLECTION, spaceId, campaignId, async () => {
      const next = applySelectionEvent(await this.of(spaceId, campaignId), event);
      if (next)
        await this.docs.replaceOne({ _id: campaignId, spaceId }, { ...next, spaceId }, { upsert: true });
    });
  }

  async of(spaceId: string, campaignId: string): Promise<AudienceSelection> {
    const doc = await this.docs.findOne({ _id: campaignId, spaceId });
    return {
      ...(doc?.personas && { personas: doc.personas }),
      ...(doc?.segments && { segments: doc.segments }),
    };
  }
}
