import type { EventHandler } from '@prism/bus';
import { z } from 'zod';
import { withoutPersona } from '../domain/selection.js';
import { personasCleared, personasSelected } from '../events/persona-events.js';
import type { PersonaRepositories } from '../store/repositories.js';

export const personaDeletedData = z.object({ personaId: z.string().min(1) });
export type PersonaDeletedData = z.infer<typeof personaDeletedData>;

/**
 * persona.deleted → every selection holding the persona loses it at the same epoch. A
 * rewritten selection no longer holds the persona, so a redelivery finds nothing left to do.
 */
export function personaDeletedHandler(deps: {
  repos: PersonaRepositories;
  clock?: () => Date;
}): EventHandler<PersonaDeletedData> {
  const { selections } = deps.repos;
  const now = deps.clock ?? (() => new Date());
  return async (event, { cause: ctx }) => {
    const { space } = ctx;
    const { personaId } = event.data;
    for await (const selection of selections.each(space, { personaIds: personaId })) {
      const next = withoutPersona(selection, personaId);
      if (!next) continue;
      const campaignId = selection._id;
      const revision = selection.version + 1;
      const published =
        next.personaIds.length > 0
          ? personasSelected(ctx, { campaignId, strategyId: selection.strategyId ?? '', ...next, revision })
          : personasCleared(ctx, { campaignId, epoch: next.epoch, reason: 'PERSONAS_DELETED', revision });
      await selections.update(
        space,
        campaignId,
        selection.version,
        { personaIds: next.personaIds, updatedAt: now() },
        [published],
      );
    }
  };
}
