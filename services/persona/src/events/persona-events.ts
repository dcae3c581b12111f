import { type EventContext, eventProducer, type PrismEvent } from '@prism/bus';
import type { ClearReason } from '@prism/campaign';
import {
  CampaignPersonasCleared,
  CampaignPersonasSelected,
  PersonaChanged,
  PersonaDeleted,
} from '@prism/proto/prism/events/v1/persona_events';
import { demographicsToProto } from '../mapping.js';
import type { PersonaFields } from '../store/documents.js';

const event = eventProducer('prism/persona');

interface PersonaFacts extends Pick<PersonaFields, 'strategyId' | 'name' | 'demographics'> {
  _id: string;
  version: number;
}

export function personaChanged(
  ctx: EventContext,
  kind: 'persona.created' | 'persona.updated',
  persona: PersonaFacts,
): PrismEvent {
  const data = PersonaChanged.toJSON({
    personaId: persona._id,
    strategyId: persona.strategyId,
    name: persona.name,
    version: persona.version,
    demographics: demographicsToProto(persona.demographics),
  });
  return event(ctx, kind, persona._id, data);
}

export function personaDeleted(
  ctx: EventContext,
  persona: Omit<PersonaFacts, 'name' | 'demographics'>,
): PrismEvent {
  const data = PersonaDeleted.toJSON({
    personaId: persona._id,
    strategyId: persona.strategyId,
    version: persona.version,
  });
  return event(ctx, 'persona.deleted', persona._id, data);
}

export function personasSelected(
  ctx: EventContext,
  selection: {
    campaignId: string;
    strategyId: string;
    personaIds: string[];
    epoch: number;
    revision: number;
  },
): PrismEvent {
  const data = CampaignPersonasSelected.toJSON(selection);
  return event(ctx, 'campaign.personas.selected', selection.campaignId, data, selection.epoch);
}

export function personasCleared(
  ctx: EventContext,
  cleared: { campaignId: string; epoch: number; reason: ClearReason; revision: number },
): PrismEvent {
  const data = CampaignPersonasCleared.toJSON(cleared);
  return event(ctx, 'campaign.personas.cleared', cleared.campaignId, data, cleared.epoch);
}
