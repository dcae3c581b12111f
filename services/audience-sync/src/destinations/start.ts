import { type Bus, streamName } from '@prism/bus';
import type { Logger } from '@prism/log';
import type { AudienceEngine } from '../live/engine.js';
import { csvSync } from './csv-sync.js';
import type { DestinationDocument } from './destination.js';
import { DestinationDispatcher, type SyncContext } from './dispatcher.js';
import type { SensitivityPolicy } from './meta/sensitive.js';
import { metaSync } from './meta-sync.js';
import { DestinationRegistry } from './registry.js';
import { sensitiveAudienceReason } from './sensitive-audience.js';
import { snapshotAudience } from './snapshot.js';
import { webhookSync } from './webhook-sync.js';

export interface DestinationSettings {
  /** Where CSV destinations write their files. */
  exportDir: string;
  /** The Graph API root Meta destinations call. */
  graphUrl: string;
  /** Rows per Graph API request. */
  metaBatchRows: number;
  /** Terms refused for ad platforms besides health and finances. */
  sensitivity: SensitivityPolicy;
}

/**
 * The destinations part of audience-sync: the registry loaded from the store and the dispatcher
 * that sends to each destination (started; stopped with the service).
 */
export async function startDestinations(
  engine: AudienceEngine,
  bus: Bus,
  settings: DestinationSettings,
  logger: Logger,
) {
  const { repos } = engine.deps;
  const registry = new DestinationRegistry(repos.destinations);
  await registry.load();
  const reload = async (destination: DestinationDocument) => {
    await registry.refresh(destination.spaceId, destination._id);
  };
  const context: SyncContext = {
    repos,
    snapshot: (destination) =>
      snapshotAudience(
        engine,
        async () => (await bus.jsm.streams.info(streamName(bus.prefix, 'audience'))).state.last_seq,
        destination,
      ),
    async backfilled(destination, throughSeq) {
      await repos.destinations.markBackfilled(
        destination.spaceId,
        destination._id,
        destination.backfillsRequested,
        throughSeq,
      );
      await reload(destination);
    },
    async disable(destination, reason) {
      await repos.destinations.update(destination.spaceId, destination._id, {
        $set: { enabled: false, 'status.lastError': reason, updatedAt: new Date() },
        $inc: { version: 1 },
      });
      await reload(destination);
    },
    profile: (destination, profileId) => engine.space(destination.spaceId).mirror.get(profileId),
    refusal: (destination) =>
      sensitiveAudienceReason(
        engine.space(destination.spaceId),
        destination.audienceKey,
        settings.sensitivity,
      ),
    async remember(destination, set) {
      await repos.destinations.update(destination.spaceId, destination._id, { $set: set });
      await reload(destination);
    },
    now: () => new Date(engine.now()),
    logger,
  };
  const dispatcher = new DestinationDispatcher(
    registry,
    {
      webhook: webhookSync(),
      meta: metaSync({ graphUrl: settings.graphUrl, batchSize: settings.metaBatchRows }),
      csv: csvSync(settings.exportDir),
    },
    context,
  );
  dispatcher.start();
  return { registry, dispatcher };
}
