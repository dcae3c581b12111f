import type {
  CampaignPersonaSelection,
  Persona,
  PersonaDemographics,
} from '@prism/proto/prism/persona/v1/persona';
import { genderCodec } from '@prism/proto/vocabulary';
import type { DemographicsFields, PersonaDocument } from './store/documents.js';

export function demographicsToProto(demographics: DemographicsFields): PersonaDemographics {
  return { ...demographics, genders: demographics.genders.map(genderCodec.toProto) };
}

export function personaToProto(doc: PersonaDocument): Persona {
  return {
    id: doc._id,
    spec: {
      strategyId: doc.strategyId,
      name: doc.name,
      summary: doc.summary,
      demographics: demographicsToProto(doc.demographics),
      goals: doc.goals,
      motivations: doc.motivations,
      painPoints: doc.painPoints,
      preferredChannels: doc.preferredChannels,
      tone: doc.tone,
    },
    version: doc.version,
    createTime: doc.createdAt,
    updateTime: doc.updatedAt,
  };
}

/** An empty selection reports epoch 0, as the API documents, whatever epoch cleared it. */
export function selectionToProto(campaignId: string, personas: PersonaDocument[], epoch: number) {
  const selection: CampaignPersonaSelection = {
    campaignId,
    personas: personas.map(personaToProto),
    epoch: personas.length > 0 ? epoch : 0,
  };
  return selection;
}
