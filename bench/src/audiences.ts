import { setTimeout as sleep } from 'node:timers/promises';
import type { Metadata } from '@grpc/grpc-js';
import type { RunningAudienceService } from '@prism/audience-sync/app';
import { type Bus, connectBus, streamName } from '@prism/bus';
import type { Infrastructure } from '@prism/infra';
import { createLogger } from '@prism/log';
import type { RunningProfileService } from '@prism/profile/app';
import { type AudienceHelper, startAudienceHelper } from './audiences-child.js';
import { benchEnterLatency } from './audiences-enter.js';
import { type CampaignServices, startCampaignServices } from './audiences-services.js';
import { timeAudienceSync } from './audiences-stages.js';
import { benchSwitchRebuild } from './audiences-switch.js';
import { type Tracking, wallClock } from './audiences-traffic.js';
import { benchNamespace, deleteStreams } from './namespace.js';
import { logTally } from './profile-diagnostics.js';
import type { Figures } from './report.js';
import { commonSettings, dropBenchDatabases, openBenchSpace, startSyncServices } from './sync-services.js';

const SPACES = { live: 'bench-live', campaign: 'bench-campaign' } as const;
const API_KEYS = { live: 'bench-live-key-0001', campaign: 'bench-campaign-key-0001' } as const;
// audience-sync's durable on the profile stream (PROFILE_DURABLE, which its package does not export).
const MIRROR_DURABLE = 'audience_profiles';

/** The services under test, the helper processes, and what the parts share. */
export interface AudienceBench {
  infra: Infrastructure;
  prefix: string;
  bus: Bus;
  profile: RunningProfileService;
  audiences: RunningAudienceService;
  /** Sends tracking load. */
  load: AudienceHelper;
  /** Probes and watches events, apart from the load. */
  observer: AudienceHelper;
  /** The services' warnings and errors. */
  logs: ReturnType<typeof logTally>;
  /** Where audience-sync's time goes. */
  syncStages: ReturnType<typeof timeAudienceSync>;
  /** The service configuration every service reads (servers, prefix, API keys, log level). */
  common: Record<string, string>;
  dbName: string;
}

/** A profile space of the benchmark: its id, API key (gRPC) and write key (HTTP Tracking API). */
export interface BenchSpace {
  id: string;
  metadata: Metadata;
  tracking: Tracking;
}

/**
 * Issue 12's audience figures: how fast a profile enters a live audience under ingestion load,
 * and how fast a campaign audience is rebuilt when the campaign switches its selection. The
 * profile service and audience-sync (and, for the switch, strategy, persona and
 * segment-generation) run in this process on the shared NATS and Mongo-wire servers, in a
 * namespace of their own; load, probes and event watching come from two helper processes.
 */
export async function benchAudiences(infra: Infrastructure): Promise<Figures> {
  const { prefix, dbName } = benchNamespace();
  const logs = logTally();
  const logger = (name: string) => createLogger(name, { level: 'warn', destination: logs });
  const apiKeys = Object.fromEntries(
    Object.entries(SPACES).map(([part, space]) => [space, API_KEYS[part as keyof typeof SPACES]]),
  );
  const common = commonSettings(infra, prefix, apiKeys);
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench-audiences', prefix });
  const helpers = { load: startAudienceHelper(), observer: startAudienceHelper() };
  const running: { stop(): Promise<void> }[] = [];
  try {
    const { profile, audiences } = await startSyncServices({ common, dbName, logger });
    running.unshift(audiences, profile);
    const syncStages = timeAudienceSync(audiences);
    const bench: AudienceBench = {
      ...{ infra, prefix, bus, profile, audiences, ...helpers },
      ...{ logs, syncStages, common, dbName },
    };
    const enter = await benchEnterLatency(bench, await openSpace(bench, 'live'));
    const services: CampaignServices = await startCampaignServices(bench, logger);
    running.unshift(services);
    const rebuild = await benchSwitchRebuild(bench, services, await openSpace(bench, 'campaign'));
    return { ...enter, ...rebuild };
  } finally {
    for (const service of running)
      await service.stop().catch((error) => console.error('a service did not stop cleanly', error));
    await helpers.load.stop();
    await helpers.observer.stop();
    await deleteStreams(bus, prefix);
    await bus.close();
    await dropBenchDatabases(infra, dbName, ['profile', 'audience', 'strategy', 'persona', 'segments']);
  }
}

/** Creates the profile space of the part for its write key. */
const openSpace = (bench: AudienceBench, part: keyof typeof SPACES) =>
  openBenchSpace(bench.profile, {
    id: SPACES[part],
    apiKey: API_KEYS[part],
    displayName: `Audiences benchmark (${part})`,
  });

/** The profile service's ingest consumer and audience-sync's profile consumer. */
export async function pipelineConsumers({ bus }: AudienceBench) {
  const [ingest, mirror] = await Promise.all([
    bus.jsm.consumers.info(streamName(bus.prefix, 'ingest'), 'profile-ingest'),
    bus.jsm.consumers.info(streamName(bus.prefix, 'profile'), MIRROR_DURABLE),
  ]);
  return { ingest, mirror };
}

/**
 * Polls every 50 ms until everything sent so far is applied: the profile service ingested it
 * (`ingestedAt`, the first poll its consumer was idle) and audience-sync consumed the profile
 * events that followed (`appliedAt`, the first poll both were).
 */
export async function waitUntilApplied(bench: AudienceBench, timeoutMs: number) {
  const deadline = wallClock() + timeoutMs;
  let ingestedAt: number | undefined;
  for (;;) {
    const at = wallClock();
    const { ingest, mirror } = await pipelineConsumers(bench);
    const ingesting = ingest.num_pending + ingest.num_ack_pending;
    const backlog = ingesting + mirror.num_pending + mirror.num_ack_pending;
    if (ingesting === 0) ingestedAt ??= at;
    if (backlog === 0) return { ingestedAt: ingestedAt ?? at, appliedAt: at };
    if (at > deadline) throw new Error(`still ${backlog} messages to apply after ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** entered and exited events of the space stored in the AUDIENCE stream so far. */
export async function storedMemberships({ bus }: AudienceBench, space: BenchSpace) {
  const info = await bus.jsm.streams.info(streamName(bus.prefix, 'audience'), {
    subjects_filter: `${bus.prefix}.${space.id}.audience.>`,
  });
  const counts = { entered: 0, exited: 0 };
  for (const [subject, count] of Object.entries(info.state.subjects ?? {})) {
    if (subject.endsWith('.entered')) counts.entered += count;
    if (subject.endsWith('.exited')) counts.exited += count;
  }
  return counts;
}
