import { type Bus, type ConsumerHandle, startConsumer, streamName, subjectOf } from '@prism/bus';
import { campaignEventData } from '@prism/campaign';
import type { Logger } from '@prism/log';
import type { SegmentRepositories } from '../store/repositories.js';
import { campaignEventHandler } from './campaign-events.js';

export interface ConsumerDeps {
  bus: Bus;
  repos: SegmentRepositories;
  logger: Logger;
}

/** The campaign projection and the clearing of segments; the strategy stream must exist. */
export async function startConsumers(deps: ConsumerDeps): Promise<ConsumerHandle[]> {
  const { js, jsm, prefix } = deps.bus;
  return [
    await startConsumer({
      js,
      jsm,
      prefix,
      logger: deps.logger,
      stream: streamName(prefix, 'strategy'),
      durable: 'segments_campaigns',
      filterSubject: subjectOf(prefix, '*', 'campaign.*'),
      dataSchema: campaignEventData,
      handler: campaignEventHandler(deps),
    }),
  ];
}
