import { reviseDocument } from '@prism/store';
import type { Collection, Db } from 'mongodb';
import {
  type AudienceSelection,
  type AudienceSelectionEvent,
  applySelectionEvent,
} from '../domain/audience-selection.js';

interface AudienceSelectionDocument extends AudienceSelection {
  _id: string;
  spaceId: string;
  revision?: number;
}

const COLLECTION = 'campaign_audience_selections';

/** Projection of `campaign.personas.*` and `campaign.segments.*`: the read model of step 3. */
export class AudienceSelectionProjection {
  private readonly docs: Collection<AudienceSelectionDocument>;

  constructor(db: Db) {
    this.docs = db.collection<AudienceSelectionDocument>(COLLECTION);
  }

  /** A conditional write: the two consumers (personas, segments) write the same document. */
  async apply(spaceId: string, campaignId: string, event: AudienceSelectionEvent): Promise<void> {
    await reviseDocument(this.docs, spaceId, campaignId, (current) =>
      applySelectionEvent(selectionOf(current), event),
    );
  }

  async of(spaceId: string, campaignId: string): Promise<AudienceSelection> {
    return selectionOf((await this.docs.findOne({ _id: campaignId, spaceId })) ?? undefined);
  }
}

function selectionOf(doc: AudienceSelectionDocument | undefined): AudienceSelection {
  return {
    ...(doc?.personas && { personas: doc.personas }),
    ...(doc?.segments && { segments: doc.segments }),
  };
}
