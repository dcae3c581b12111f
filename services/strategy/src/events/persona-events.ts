import {
  type Bus,
  type BusLogger,
  type ConsumerHandle,
  kindOf,
  startConsumer,
  streamName,
  subjectOf,
} from '@prism/bus';
import { z } from 'zod';
import type { StrategyPersonaProjection } from '../store/strategy-personas.js';

/** The part of persona.created / persona.deleted payloads (prism.events.v1) this service needs. */
const personaMembership = z.object({ personaId: z.string().min(1), strategyId: z.string().min(1) });

/**
 * Learns which personas each strategy has from the persona service's events, so step 3 can
 * offer only AI segments for a strategy without personas. Idempotent and order-insensitive
 * by construction (see domain/strategy-personas.ts), so redeliveries are harmless.
 */
export function consumePersonaEvents(bus: Bus, projection: StrategyPersonaProjection, logger: BusLogger) {
  return startConsumer({
    js: bus.js,
    jsm: bus.jsm,
    prefix: bus.prefix,
    stream: streamName(bus.prefix, 'persona'),
    durable: 'strategy_persona_membership',
    filterSubject: subjectOf(bus.prefix, '*', 'persona.*'),
    dataSchema: personaMembership,
    logger,
    handler: async (event) => {
      const kind = kindOf(event);
      if (kind !== 'persona.created' && kind !== 'persona.deleted') return;
      await projection.apply(event.prismspace, event.data.strategyId, {
        kind: kind === 'persona.created' ? 'created' : 'deleted',
        personaId: event.data.personaId,
      });
    },
  }) satisfies Promise<ConsumerHandle>;
}
