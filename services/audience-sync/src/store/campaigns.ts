import type { Collection, Db } from 'mongodb';
import { type CampaignState, newCampaignState } from '../domain/campaign-selection.js';
import { DEFAULT_TRAIT_MAPPING, type TraitMapping } from '../domain/persona-rule.js';
import type { CampaignDocument, PersonaDocument, TraitMappingDocument } from './documents.js';

/**
 * What campaign audiences are built from: each campaign's selection at its newest epoch, the
 * personas it may name, and the space's trait mapping. Written only from the space's writer,
 * so a read-decide-write here never races another in this process.
 */
export class CampaignSources {
  private readonly campaigns: Collection<CampaignDocument>;
  private readonly personas: Collection<PersonaDocument>;
  private readonly mappings: Collection<TraitMappingDocument>;

  constructor(db: Db) {
    this.campaigns = db.collection('campaigns');
    this.personas = db.collection('personas');
    this.mappings = db.collection('trait_mappings');
  }

  async ensureIndexes(): Promise<void> {
    await this.campaigns.createIndex({ spaceId: 1, 'selection.personaIds': 1 });
  }

  async campaign(spaceId: string, campaignId: string): Promise<CampaignState> {
    const doc = await this.campaigns.findOne({ _id: campaignId, spaceId });
    if (!doc) return newCampaignState(campaignId);
    const { epoch, selection, deleted, personaRevision } = doc;
    return {
      campaignId,
      epoch,
      selection,
      deleted,
      ...(personaRevision !== undefined && { personaRevision }),
    };
  }

  async saveCampaign(spaceId: string, state: CampaignState): Promise<void> {
    const { campaignId, epoch, selection, deleted, personaRevision } = state;
    await this.campaigns.replaceOne(
      { _id: campaignId, spaceId },
      { spaceId, epoch, selection, deleted, ...(personaRevision !== undefined && { personaRevision }) },
      { upsert: true },
    );
  }

  /** Live campaigns whose selection names the persona. */
  async campaignsSelecting(spaceId: string, personaId: string): Promise<string[]> {
    const docs = await this.campaigns
      .find({ spaceId, deleted: false, 'selection.personaIds': personaId })
      .toArray();
    return docs.map((doc) => doc._id);
  }

  /** Live campaigns whose selection is personas: a new trait mapping changes their rules. */
  async personaCampaigns(spaceId: string): Promise<string[]> {
    const docs = await this.campaigns
      .find({ spaceId, deleted: false, 'selection.kind': 'personas' })
      .toArray();
    return docs.map((doc) => doc._id);
  }

  personasOf(spaceId: string, ids: readonly string[]): Promise<PersonaDocument[]> {
    return this.personas.find({ spaceId, _id: { $in: [...ids] } }).toArray();
  }

  /** Keeps the newest version; answers whether it changed anything. */
  async savePersona(doc: PersonaDocument): Promise<boolean> {
    const current = await this.personas.findOne({ _id: doc._id, spaceId: doc.spaceId });
    if (current && current.version >= doc.version) return false;
    await this.personas.replaceOne({ _id: doc._id, spaceId: doc.spaceId }, doc, { upsert: true });
    return true;
  }

  async removePersona(spaceId: string, personaId: string): Promise<void> {
    await this.personas.deleteOne({ _id: personaId, spaceId });
  }

  async traitMapping(spaceId: string): Promise<TraitMapping> {
    const doc = await this.mappings.findOne({ _id: spaceId, spaceId });
    return doc?.mapping ?? DEFAULT_TRAIT_MAPPING;
  }

  async setTraitMapping(spaceId: string, mapping: TraitMapping): Promise<void> {
    await this.mappings.replaceOne({ _id: spaceId, spaceId }, { spaceId, mapping }, { upsert: true });
  }
}
