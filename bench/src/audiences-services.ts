import { credentials } from '@grpc/grpc-js';
import type { Logger } from '@prism/log';
import { startPersonaService } from '@prism/persona/app';
import { personaConfigSchema } from '@prism/persona/config';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { SegmentGenerationServiceClient } from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { startSegmentsService } from '@prism/segment-generation/app';
import { segmentsConfigSchema } from '@prism/segment-generation/config';
import { startStrategyService } from '@prism/strategy/app';
import { strategyConfigSchema } from '@prism/strategy/config';
import type { AudienceBench } from './audiences.js';

export type CampaignServices = Awaited<ReturnType<typeof startCampaignServices>>;

/**
 * Strategy, persona and segment-generation beside the bench's profile service and audience-sync
 * (configured as their test starters do), with a client of each of the five APIs the campaign
 * wizard calls. `stop` closes the clients and stops the services, callers first.
 */
export async function startCampaignServices(bench: AudienceBench, logger: (name: string) => Logger) {
  const { common, dbName } = bench;
  const strategy = await startStrategyService(
    strategyConfigSchema.parse({ ...common, STRATEGY_GRPC_PORT: '0', STRATEGY_DB: `${dbName}_strategy` }),
    logger('strategy'),
  );
  const upstream = { STRATEGY_GRPC_ADDR: `127.0.0.1:${strategy.port}` };
  const persona = await startPersonaService(
    personaConfigSchema.parse({
      ...common,
      ...upstream,
      PERSONA_GRPC_PORT: '0',
      PERSONA_DB: `${dbName}_persona`,
    }),
    logger('persona'),
  );
  const segments = await startSegmentsService(
    segmentsConfigSchema.parse({
      ...common,
      ...upstream,
      SEGMENTS_GRPC_PORT: '0',
      SEGMENTS_DB: `${dbName}_segments`,
      PROFILE_GRPC_ADDR: `127.0.0.1:${bench.profile.port}`,
    }),
    logger('segment-generation'),
  );
  const insecure = credentials.createInsecure();
  const clients = {
    strategies: new StrategyServiceClient(`127.0.0.1:${strategy.port}`, insecure),
    personas: new PersonaServiceClient(`127.0.0.1:${persona.port}`, insecure),
    segments: new SegmentGenerationServiceClient(`127.0.0.1:${segments.port}`, insecure),
    audiences: new AudienceServiceClient(`127.0.0.1:${bench.audiences.port}`, insecure),
  };
  return {
    ...clients,
    async stop() {
      for (const client of Object.values(clients)) client.close();
      await segments.stop();
      await persona.stop();
      await strategy.stop();
    },
  };
}
