import type { Bus, ConsumerHandle } from '@prism/bus';
import { campaignEventData } from '@prism/campaign';
import type { SegmentRepositories } from '../store/repositories.js';
import { campaignEventHandler } from './campaign-events.js';

/**
 * Every event this service follows: campaigns, projected and clearing their segments. The
 * stream is one app.ts declares.
 */
export function startConsumers(bus: Bus, repos: SegmentRepositories): Promise<ConsumerHandle[]> {
  return Promise.all([
    bus.subscribe({
      stream: 'strategy',
      durable: 'segments_campaigns',
      kinds: 'campaign.*',
      data: campaignEventData,
      handler: campaignEventHandler({ repos }),
    }),
  ]);
}
