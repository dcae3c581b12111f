import { type EventHandler, kindOf } from '@prism/bus';
import { z } from 'zod';
import type { StrategyPersonaProjection } from '../store/strategy-personas.js';

/** The part of persona.created / persona.deleted payloads (prism.events.v1) this service needs. */
export const personaMembershipData = z.object({
  personaId: z.string().min(1),
  strategyId: z.string().min(1),
});
type PersonaMembership = z.infer<typeof personaMembershipData>;

/**
 * Learns which personas each strategy has from the persona service's events, so step 3 can
 * offer only AI segments for a strategy without personas. Idempotent and order-insensitive
 * by construction (see domain/strategy-personas.ts), so redeliveries are harmless.
 */
export function personaMembershipHandler(
  projection: StrategyPersonaProjection,
): EventHandler<PersonaMembership> {
  return async (event) => {
    const kind = kindOf(event);
    if (kind !== 'persona.created' && kind !== 'persona.deleted') return;
    await projection.apply(event.prismspace, event.data.strategyId, {
      kind: kind === 'persona.created' ? 'created' : 'deleted',
      personaId: event.data.personaId,
    });
  };
}
