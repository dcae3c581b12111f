import type { Bus, ConsumerHandle } from '@prism/bus';
import { campaignEventData } from '@prism/campaign';
import type { PersonaRepositories } from '../store/repositories.js';
import { campaignEventHandler } from './campaign-events.js';
import { personaDeletedData, personaDeletedHandler } from './persona-deletions.js';
import { strategyEventData, strategyEventHandler } from './strategy-events.js';

/**
 * Every event this service follows, one durable consumer each: the strategy and campaign
 * projections, and persona deletions. The streams are the ones app.ts declares.
 */
export function startConsumers(bus: Bus, repos: PersonaRepositories): Promise<ConsumerHandle[]> {
  return Promise.all([
    bus.subscribe({
      stream: 'strategy',
      durable: 'persona_strategies',
      kinds: 'strategy.*',
      data: strategyEventData,
      handler: strategyEventHandler(repos),
    }),
    bus.subscribe({
      stream: 'strategy',
      durable: 'persona_campaigns',
      kinds: 'campaign.*',
      data: campaignEventData,
      handler: campaignEventHandler({ repos }),
    }),
    bus.subscribe({
      stream: 'persona',
      durable: 'persona_deletions',
      kinds: 'persona.deleted',
      data: personaDeletedData,
      handler: personaDeletedHandler({ repos }),
    }),
  ]);
}
