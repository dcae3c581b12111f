import { type EventHandler, kindOf } from '@prism/bus';
import { z } from 'zod';
import type { AudienceSelectionEvent } from '../domain/audience-selection.js';
import type { AudienceSelectionProjection } from '../store/audience-selections.js';

/** The fields of campaign.personas.* and campaign.segments.* payloads (prism.events.v1) read here. */
export const selectionData = z.object({
  campaignId: z.string().min(1),
  epoch: z.coerce.number().int().min(1),
  personaIds: z.array(z.string()).optional(),
  // Persona changes published before revisions read as the oldest.
  revision: z.coerce.number().int().min(0).default(0),
  generationId: z.string().optional(),
  segments: z
    .array(z.object({ segmentId: z.string(), name: z.string(), size: z.coerce.number().int().min(0) }))
    .optional(),
});
type SelectionData = z.infer<typeof selectionData>;

function selectionEventOf(kind: string, data: SelectionData): AudienceSelectionEvent | undefined {
  const { epoch, revision } = data;
  switch (kind) {
    case 'campaign.personas.selected':
      return { kind: 'personas.selected', epoch, revision, personaIds: data.personaIds ?? [] };
    case 'campaign.personas.cleared':
      return { kind: 'personas.cleared', epoch, revision };
    case 'campaign.segments.generated':
      return {
        kind: 'segments.generated',
        epoch,
        generationId: data.generationId ?? '',
        segments: data.segments ?? [],
      };
    case 'campaign.segments.cleared':
      return { kind: 'segments.cleared', epoch };
    default:
      return undefined;
  }
}

/**
 * Follows what the persona and segment-generation services hold for each campaign, for
 * GetCampaignAudienceSelection. Idempotent by epoch (see domain/audience-selection.ts).
 */
export function selectionHandler(projection: AudienceSelectionProjection): EventHandler<SelectionData> {
  return async (event) => {
    const change = selectionEventOf(kindOf(event), event.data);
    if (change) await projection.apply(event.prismspace, event.data.campaignId, change);
  };
}
