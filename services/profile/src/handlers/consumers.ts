import type { Bus } from '@prism/bus';
import type { Logger } from '@prism/log';
import type { ProfileConfig } from '../config.js';
import type { IngestMarks } from '../store/ingest-marks.js';
import { type IngestApplier, type IngestConsumer, startIngestConsumer } from './ingest-consumer.js';
import { ReplayGuard } from './replay-guard.js';

/**
 * Every subscription of the profile service. There is one: the ingestion queue that the HTTP
 * Tracking API, the gRPC API and partners publish to. It is not a `bus.subscribe` consumer,
 * because it applies what arrived together as one group (see ingest-consumer.ts).
 */
export async function startConsumers(
  bus: Bus,
  pipeline: IngestApplier,
  marks: IngestMarks,
  config: ProfileConfig,
  logger: Logger,
): Promise<IngestConsumer[]> {
  return [
    await startIngestConsumer({
      js: bus.js,
      jsm: bus.jsm,
      prefix: bus.prefix,
      dedupeWindowMs: config.INGEST_DEDUPE_WINDOW_S * 1000,
      pipeline,
      logger,
      inFlight: config.INGEST_IN_FLIGHT,
      replayGuard: new ReplayGuard(marks),
    }),
  ];
}
