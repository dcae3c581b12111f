import type { Delivery, PrismEvent } from '@prism/bus';
import { kindOf } from '@prism/bus';
import { z } from 'zod';
import { rebuildCampaign } from '../live/campaign-builder.js';
import type { AudienceEngine } from '../live/engine.js';

/** persona.created / updated / deleted (prism.events.v1, proto3 JSON), as far as rules need them. */
export const personaEventData = z.object({
  personaId: z.string().min(1),
  name: z.string().default(''),
  version: z.coerce.number().int().min(0),
  demographics: z
    .object({
      ageRanges: z
        .array(z.object({ min: z.number().int().default(0), max: z.number().int().default(0) }))
        .default([]),
      genders: z.array(z.string()).default([]),
      locations: z.array(z.string()).default([]),
      incomeBand: z.string().default(''),
      occupation: z.string().default(''),
    })
    .default({ ageRanges: [], genders: [], locations: [], incomeBand: '', occupation: '' }),
});
export type PersonaEventData = z.infer<typeof personaEventData>;

/**
 * Keeps the personas campaign audiences are built from; a changed persona rebuilds the
 * campaigns that select it (a deleted one reaches them as a new selection from the persona service).
 */
export function personaEventHandler(engine: AudienceEngine) {
  return (event: PrismEvent<PersonaEventData>, delivery: Delivery): Promise<void> => {
    const space = event.prismspace;
    const { campaigns } = engine.deps.repos;
    const { personaId, name, version, demographics } = event.data;
    return engine.inSpace(space, async (state) => {
      if (kindOf(event) === 'persona.deleted') return campaigns.removePersona(space, personaId);
      const changed = await campaigns.savePersona({
        _id: personaId,
        spaceId: space,
        name,
        version,
        demographics,
      });
      if (!changed) return;
      for (const campaignId of await campaigns.campaignsSelecting(space, personaId))
        await rebuildCampaign(engine, state, await campaigns.campaign(space, campaignId), delivery.cause);
    });
  };
}
