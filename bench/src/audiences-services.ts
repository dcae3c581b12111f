import { credentials } from '@grpc/grpc-js';
import type { Logger } from '@prism/log';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { SegmentGenerationServiceClient } from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import type { AudienceBench } from './audiences.js';
import { startWizardServices } from './wizard-services.js';

export type CampaignServices = Awaited<ReturnType<typeof startCampaignServices>>;

/**
 * Strategy, persona and segment-generation beside the bench's profile service and audience-sync
 * (configured as their test starters do), with a client of each of the five APIs the campaign
 * wizard calls. `stop` closes the clients and stops the services, callers first.
 */
export async function startCampaignServices(bench: AudienceBench, logger: (name: string) => Logger) {
  const { common, dbName } = bench;
  const wizard = await startWizardServices({
    common,
    dbName,
    profileAddress: `127.0.0.1:${bench.profile.port}`,
    logger,
  });
  const { strategy, persona, segments } = wizard;
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
      await wizard.stop();
    },
  };
}
