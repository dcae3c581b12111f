import type { Bus, ConsumerHandle } from '@prism/bus';
import type { StrategyRepositories } from '../store/repositories.js';
import { personaMembershipData, personaMembershipHandler } from './persona-events.js';
import { selectionData, selectionHandler } from './selection-events.js';

/**
 * Every event this service follows, one durable consumer each: which personas each strategy
 * has, and what the persona and segment-generation services hold for each campaign. The
 * streams are the ones app.ts declares.
 */
export function startConsumers(bus: Bus, repos: StrategyRepositories): Promise<ConsumerHandle[]> {
  return Promise.all([
    bus.subscribe({
      stream: 'persona',
      durable: 'strategy_persona_membership',
      kinds: 'persona.*',
      data: personaMembershipData,
      handler: personaMembershipHandler(repos.personas),
    }),
    bus.subscribe({
      stream: 'persona',
      durable: 'strategy_persona_selections',
      kinds: 'campaign.personas.*',
      data: selectionData,
      handler: selectionHandler(repos.selections),
    }),
    bus.subscribe({
      stream: 'segments',
      durable: 'strategy_segment_selections',
      kinds: 'campaign.segments.*',
      data: selectionData,
      handler: selectionHandler(repos.selections),
    }),
  ]);
}
