import type { Bus } from '@prism/bus';
import type { Logger } from '@prism/log';
import type { DestinationRegistry } from '../destinations/registry.js';
import type { AudienceEngine } from '../live/engine.js';
import { startProfileFeed } from '../live/profile-feed.js';
import { campaignSignalData, campaignSignalHandler } from './campaign-events.js';
import { startDestinationFeed } from './destination-feed.js';
import { personaEventData, personaEventHandler } from './persona-events.js';

/**
 * Every event audience-sync follows: profiles (a group-commit feed, `live/profile-feed.ts`),
 * campaign moves, persona selections and generated segments (campaign audiences), personas,
 * and its own membership changes, queued for the destinations of their audiences (a
 * group-commit feed too, `destination-feed.ts`).
 */
export async function startConsumers(
  bus: Bus,
  engine: AudienceEngine,
  destinations: { registry: DestinationRegistry; wake: (ids: string[]) => void },
  logger: Logger,
): Promise<{ stop(): Promise<void> }[]> {
  const campaignSignals = campaignSignalHandler(engine);
  return Promise.all([
    startProfileFeed(bus, engine, logger),
    bus.subscribe({
      stream: 'strategy',
      durable: 'audience_campaigns',
      kinds: 'campaign.*',
      data: campaignSignalData,
      handler: campaignSignals,
    }),
    bus.subscribe({
      stream: 'persona',
      durable: 'audience_persona_selections',
      kinds: 'campaign.personas.*',
      data: campaignSignalData,
      handler: campaignSignals,
    }),
    bus.subscribe({
      stream: 'segments',
      durable: 'audience_segment_selections',
      kinds: 'campaign.segments.*',
      data: campaignSignalData,
      handler: campaignSignals,
    }),
    bus.subscribe({
      stream: 'persona',
      durable: 'audience_personas',
      kinds: 'persona.*',
      data: personaEventData,
      handler: personaEventHandler(engine),
    }),
    startDestinationFeed(bus, { ...destinations, deliveries: engine.deps.repos.deliveries }, logger),
  ]);
}
