import { strategyLookups } from '@prism/campaign';
import { channelCredentials } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SegmentGenerationServiceService } from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { type RunningOutboxService, type ServiceModule, startService } from '@prism/runtime';
import { type SegmentsConfig, segmentsConfigSchema } from './config.js';
import { profileReader } from './generation/profile-reader.js';
import { startConsumers } from './handlers/consumers.js';
import { segmentGenerationService as segmentsApi } from './server.js';
import { openRepositories, type SegmentRepositories } from './store/repositories.js';

/** The segment-generation service: AI audience segments of a strategy's linked profiles, per campaign. */
export const segmentsService = {
  name: 'segment-generation',
  config: segmentsConfigSchema,
  database: (config) => config.SEGMENTS_DB,
  listen: (config) => ({ host: config.SEGMENTS_GRPC_HOST, port: config.SEGMENTS_GRPC_PORT }),
  // The strategy stream too: this service follows campaigns, whichever service starts first.
  streams: ['segments', 'strategy'],
  openRepositories,
  outbox: (repos) => repos.storage,
  async parts({ config, repos, bus }) {
    const strategyClient = new StrategyServiceClient(config.STRATEGY_GRPC_ADDR, channelCredentials(config));
    const profileClient = new ProfileServiceClient(config.PROFILE_GRPC_ADDR, channelCredentials(config));
    const languageModel = config.SEGMENTS_LLM_URL && {
      baseUrl: config.SEGMENTS_LLM_URL,
      model: config.SEGMENTS_LLM_MODEL,
      ...(config.SEGMENTS_LLM_KEY && { apiKey: config.SEGMENTS_LLM_KEY }),
    };
    const implementation = segmentsApi({
      repos,
      strategy: strategyLookups(strategyClient),
      readProfiles: profileReader(profileClient),
      ...(languageModel && { languageModel }),
    });
    return {
      grpc: [[SegmentGenerationServiceService, implementation]],
      consumers: await startConsumers(bus, repos),
      close() {
        strategyClient.close();
        profileClient.close();
      },
    };
  },
} satisfies ServiceModule<typeof segmentsConfigSchema, SegmentRepositories>;

export type RunningSegmentsService = RunningOutboxService<SegmentRepositories>;

/** Starts it in this process: tests and benchmarks. */
export const startSegmentsService = (config: SegmentsConfig, logger: Logger) =>
  startService(segmentsService, config, logger);
