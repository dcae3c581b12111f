import type { Logger } from '@prism/log';
import { startPersonaService } from '@prism/persona/app';
import { personaConfigSchema } from '@prism/persona/config';
import { startSegmentsService } from '@prism/segment-generation/app';
import { segmentsConfigSchema } from '@prism/segment-generation/config';
import { startStrategyService } from '@prism/strategy/app';
import { strategyConfigSchema } from '@prism/strategy/config';

export interface WizardServicesOptions {
  /** Variables every service reads (URLs, subject prefix, API keys, log level). */
  common: Record<string, string>;
  /** Each service's database is `<dbName>_<service>`. */
  dbName: string;
  /** Where segment generation reads profiles, when the bench runs a profile service. */
  profileAddress?: string;
  logger(name: string): Logger;
}

/**
 * The three services of the campaign wizard in this process on free ports: strategy, then
 * persona and segment-generation calling it. `stop` stops them callers first.
 */
export async function startWizardServices({ common, dbName, profileAddress, logger }: WizardServicesOptions) {
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
      ...(profileAddress && { PROFILE_GRPC_ADDR: profileAddress }),
    }),
    logger('segment-generation'),
  );
  return {
    strategy,
    persona,
    segments,
    async stop() {
      await segments.stop();
      await persona.stop();
      await strategy.stop();
    },
  };
}
