import { type Bus, type ConsumerHandle, startConsumer, streamName, subjectOf } from '@prism/bus';
import { campaignEventData } from '@prism/campaign';
import type { Logger } from '@prism/log';
import type { PersonaRepositories } from '../store/repositories.js';
import { campaignEventHandler } from './campaign-events.js';
import { personaDeletedData, personaDeletedHandler } from './persona-deletions.js';
import { strategyEventData, strategyEventHandler } from './strategy-events.js';

export interface ConsumerDeps {
  bus: Bus;
  repos: PersonaRepositories;
  logger: Logger;
}

/**
 * The service's durable consumers: strategy and campaign projections, persona deletions.
 * The streams must exist (app.ts ensures both through the shared topology).
 */
export async function startConsumers(deps: ConsumerDeps): Promise<ConsumerHandle[]> {
  const { bus, repos, logger } = deps;
  const { js, jsm, prefix } = bus;
  const strategyStream = streamName(prefix, 'strategy');
  const common = { js, jsm, prefix, logger };
  return Promise.all([
    startConsumer({
      ...common,
      stream: strategyStream,
      durable: 'persona_strategies',
      filterSubject: subjectOf(prefix, '*', 'strategy.*'),
      dataSchema: strategyEventData,
      handler: strategyEventHandler(repos.strategyRefs),
    }),
    startConsumer({
      ...common,
      stream: strategyStream,
      durable: 'persona_campaigns',
      filterSubject: subjectOf(prefix, '*', 'campaign.*'),
      dataSchema: campaignEventData,
      handler: campaignEventHandler(deps),
    }),
    startConsumer({
      ...common,
      stream: streamName(prefix, 'persona'),
      durable: 'persona_deletions',
      filterSubject: subjectOf(prefix, '*', 'persona.deleted'),
      dataSchema: personaDeletedData,
      handler: personaDeletedHandler(deps),
    }),
  ]);
}
