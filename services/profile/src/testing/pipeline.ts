import { connectBus, ensureServiceStreams, jetStreamPublisher, silentLogger } from '@prism/bus';
import { connectMongo } from '@prism/store';
import type { IsolatedInfra } from '@prism/testing';
import { DEFAULT_IDENTITY_RULES } from '../domain/identity/index.js';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { ProfileMaintenance } from '../pipeline/maintenance.js';
import { ProfilePipeline } from '../pipeline/profile-pipeline.js';
import { BatchOutbox } from '../store/batch-outbox.js';
import { ProfileStore } from '../store/profile-store.js';
import { SpaceSettingsStore } from '../store/space-settings.js';

/**
 * A profile pipeline wired to the real servers without the gRPC/HTTP front, for tests that need
 * to move its clock or run two writers side by side. `writer` names its outbox slot.
 */
export async function startPipeline(
  infra: IsolatedInfra,
  options: { writer: string; clock?: () => Date; cacheSize?: number; historyRetentionDays?: number },
) {
  const mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  const store = new ProfileStore(mongo.db, options.writer);
  const bus = await connectBus({
    servers: infra.natsUrl,
    name: `pipeline-${options.writer}`,
    prefix: infra.subjectPrefix,
  });
  await ensureServiceStreams(bus.jsm, infra.subjectPrefix, ['profile']);
  const pipeline = new ProfilePipeline({
    store,
    settings: new SpaceSettingsStore(mongo.db),
    outbox: new BatchOutbox(mongo.db, options.writer),
    publisher: jetStreamPublisher(bus.js, infra.subjectPrefix),
    rulesOf: () => DEFAULT_IDENTITY_RULES,
    logger: silentLogger,
    ...(options.clock && { clock: options.clock }),
    ...(options.cacheSize !== undefined && { cacheSize: options.cacheSize }),
    ...(options.historyRetentionDays !== undefined && { historyRetentionDays: options.historyRetentionDays }),
  });
  return {
    pipeline,
    store,
    maintenance: new ProfileMaintenance(pipeline),
    bus,
    async stop() {
      await bus.close();
      await mongo.close();
    },
  };
}

/** A track message for pipeline tests, stamped `at`, with whatever `fields` say. */
export function trackingMessage(
  fields: Partial<TrackingMessage> & Pick<TrackingMessage, 'messageId'>,
  at: Date,
): TrackingMessage {
  return {
    type: 'track',
    traits: {},
    properties: {},
    context: {},
    externalIds: [],
    timestamp: at,
    receivedAt: at,
    ...fields,
  };
}
