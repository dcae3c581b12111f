import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { type Bus, connectBus, deadLetterStreamName, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import { createLogger } from '@prism/log';
import { type RunningProfileService, startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { connectMongo } from '@prism/store';
import type { Db } from 'mongodb';
import { startEchoServer } from './grpc-echo.js';
import { benchNamespace, deleteStreams } from './namespace.js';
import { type ProfileApiRun, reportProfileApi } from './profile-api.js';
import { logTally, timePipelineStages } from './profile-diagnostics.js';
import { type IngestLoad, type LoadCommand, SENDING } from './profile-load.js';
import type { Figures } from './report.js';
import { memory, ms, peakRssMb, perSecond, summarize } from './stats.js';

// ≈ 90 messages a person; 2,500 people (225k messages) take about 15 s end to end here.
const PEOPLE = Number(process.env.BENCH_PROFILE_PEOPLE ?? 2500);
const DRAIN_TIMEOUT_MS = 150_000;
const SPACE = 'bench-profiles';
const ADMIN_KEY = 'bench-operator-key-0001';
const INGEST_DURABLE = 'profile-ingest';
const TARGET_EVENTS_PER_S = 20_000;
const SEGMENT_PEER = { name: 'Segment inbound events per space (published)', value: 1000, unit: 'events/s' };

/**
 * The profile service in this process on real NATS and FerretDB, in a namespace of its own, and
 * its load from a second process (profile-load.ts): Segment `/v1/batch` ingestion of a seeded
 * population (HTTP-accepted and end-to-end events/s), then Profile API latency.
 */
export async function benchProfileService(infra: Infrastructure): Promise<Figures> {
  const { prefix, dbName } = benchNamespace();
  const rssBeforeMb = memory().rssMb;
  const logs = logTally();
  const config = profileConfigSchema.parse({
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: prefix,
    PROFILE_DB: dbName,
    PROFILE_GRPC_PORT: '0',
    PROFILE_HTTP_PORT: '0',
    PRISM_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
  });
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench-profile', prefix });
  const mongo = await connectMongo(infra.mongoUrl, dbName);
  const load = startLoadGenerator();
  let service: RunningProfileService | undefined;
  try {
    const logger = createLogger('profile', { level: 'warn', destination: logs });
    service = await startProfileService(config, logger);
    const stages = timePipelineStages(service);
    const keys = await createSpace(`127.0.0.1:${service.port}`);
    const cpuBefore = process.cpuUsage();
    const url = `http://127.0.0.1:${service.httpPort}`;
    const http = await load.run<IngestLoad>({ kind: 'ingest', url, writeKey: keys.writeKey, people: PEOPLE });
    const backlog = await consumerOf(bus);
    const drain = await waitUntilApplied(bus);
    const cpu = process.cpuUsage(cpuBefore);
    const results = await countResults(bus, mongo.db);
    const diagnostics = { cpuS: (cpu.user + cpu.system) / 1e6, stages: stages.summary(), logs, rssBeforeMb };
    const ingestion = reportIngestion({ http, backlog, drain, results, ...diagnostics });
    if (drain.timedOut) console.log('  (the API run below overlaps the ingestion still in progress)\n');
    // The echo peer is served from this process too, like the service it is compared with.
    const echo = await startEchoServer();
    const apiCpu = process.cpuUsage();
    const apiStart = performance.now();
    const loopDelay = monitorEventLoopDelay({ resolution: 1 });
    loopDelay.enable();
    const api = await load
      .run<{ runs: ProfileApiRun[]; peerRuns: ProfileApiRun[] }>({
        kind: 'api',
        address: `127.0.0.1:${service.port}`,
        apiKey: keys.apiKey,
        userIds: http.userIds,
        echoAddress: echo.address,
      })
      .finally(echo.stop);
    loopDelay.disable();
    const { user, system } = process.cpuUsage(apiCpu);
    const apiFigures = reportProfileApi(api, http.userIds.length, {
      cpuShare: (user + system) / 1000 / (performance.now() - apiStart),
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    });
    if (logs.lines.size > 0) console.log(`  service log during the API run: ${logs.summary()}\n`);
    return { ...ingestion, ...apiFigures };
  } finally {
    load.stop();
    await service?.stop().catch((error) => console.error('the profile service did not stop cleanly', error));
    await deleteStreams(bus, prefix);
    await bus.close();
    await mongo.db.dropDatabase();
    await mongo.close();
  }
}

/** Forks profile-load.ts; `run` sends it a command and resolves with its result. */
function startLoadGenerator() {
  const child = fork(fileURLToPath(new URL('./profile-load.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_LOAD_NODE_ARGS?.split(' ') ?? [])],
    stdio: 'inherit',
  });
  return {
    run<T>(command: LoadCommand): Promise<T> {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`the load generator exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
          child.off('exit', onExit);
          if (reply.ok) resolve(reply.result as T);
          else reject(new Error(`load generator: ${reply.error}`));
        });
        child.send(command);
      });
    },
    // Closing the channel lets it exit on its own (and write a --cpu-prof profile, if asked).
    stop: () => child.connected && child.disconnect(),
  };
}

async function createSpace(address: string) {
  const spaces = new SpaceServiceClient(address, credentials.createInsecure());
  try {
    const request = { spaceId: SPACE, displayName: 'Profile benchmark' };
    const created = await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), request);
    return { writeKey: created.writeKey, apiKey: created.apiKey };
  } finally {
    spaces.close();
  }
}

const consumerOf = (bus: Bus) => bus.jsm.consumers.info(streamName(bus.prefix, 'ingest'), INGEST_DURABLE);
const profileStreamOf = (bus: Bus) =>
  bus.jsm.streams.info(streamName(bus.prefix, 'profile'), { subjects_filter: `${bus.prefix}.*.profile.*` });

/**
 * Polls every 100 ms until the ingest consumer has nothing pending or unacked (the pipeline acks
 * a message after its profile is stored and its profile.* events are published) and the profile
 * stream stopped growing for 500 ms; the end is the first poll of that quiet stretch.
 */
async function waitUntilApplied(bus: Bus) {
  // Wall-clock milliseconds, like the load generator's startedAt (another process).
  const clock = () => performance.timeOrigin + performance.now();
  const deadline = clock() + DRAIN_TIMEOUT_MS;
  let quietSince: { at: number; events: number } | undefined;
  for (;;) {
    const now = clock();
    const [consumer, profile] = await Promise.all([consumerOf(bus), profileStreamOf(bus)]);
    const idle = consumer.num_pending === 0 && consumer.num_ack_pending === 0;
    const events = profile.state.messages;
    if (!idle) quietSince = undefined;
    else if (quietSince?.events !== events) quietSince = { at: now, events };
    else if (now - quietSince.at >= 500) return { endedAt: quietSince.at, consumer, timedOut: false };
    if (now > deadline) return { endedAt: now, consumer, timedOut: true };
    await sleep(100);
  }
}

/** What landed: profile.* events by kind, dead letters, and the stored profiles and their events. */
async function countResults(bus: Bus, db: Db) {
  const profile = await profileStreamOf(bus);
  const byKind = new Map<string, number>();
  for (const [subject, count] of Object.entries(profile.state.subjects ?? {})) {
    const kind = subject.split('.').slice(2).join('.');
    byKind.set(kind, (byKind.get(kind) ?? 0) + count);
  }
  const deadLetters = (await bus.jsm.streams.info(deadLetterStreamName(bus.prefix))).state.messages;
  const profiles = await db.collection('profiles').countDocuments({ spaceId: SPACE, state: 'live' });
  let storedEvents = 0;
  const chunks = db.collection<{ count: number }>('event_chunks');
  for await (const chunk of chunks.find({ spaceId: SPACE }, { projection: { count: 1 } }))
    storedEvents += chunk.count;
  return { events: profile.state.messages, byKind, deadLetters, profiles, storedEvents };
}

interface IngestionReport {
  http: IngestLoad;
  backlog: Awaited<ReturnType<typeof consumerOf>>;
  drain: Awaited<ReturnType<typeof waitUntilApplied>>;
  results: Awaited<ReturnType<typeof countResults>>;
  logs: ReturnType<typeof logTally>;
  rssBeforeMb: number;
  /** CPU seconds the service's process spent from the first POST to the end of ingestion. */
  cpuS: number;
  stages: { batches: number; lines: string[] };
}

function reportIngestion(report: IngestionReport): Figures {
  const { http, backlog, drain, results, logs, rssBeforeMb, cpuS, stages } = report;
  const sent = http.messages;
  const accepted = perSecond(http.accepted, http.elapsedMs);
  const endToEndMs = drain.endedAt - http.startedAt;
  // Timed out: the rate of what was applied (acked) so far.
  const applied = drain.timedOut ? drain.consumer.ack_floor.stream_seq : http.accepted;
  const endToEnd = perSecond(applied, endToEndMs);
  const request = summarize(http.requestMs);
  const reached = (rate: number) =>
    rate >= TARGET_EVENTS_PER_S
      ? 'REACHED'
      : `NOT reached (${((rate / TARGET_EVENTS_PER_S) * 100).toFixed(0)} % of it)`;
  const row = (name: string, value: string, note = '') =>
    console.log(`  ${name.padEnd(52)} ${value.padStart(8)}  ${note}`);
  console.log(
    `Profile service: Segment /v1/batch ingestion — ${PEOPLE} people, ${sent} messages in ${http.requests} batches of ≤${SENDING.batchMessages}, ${SENDING.senders} concurrent senders from a second process (generated in ${(http.generationMs / 1000).toFixed(1)} s, before timing)`,
  );
  row(
    'prism: HTTP accepted (200 = stored in JetStream)',
    `${accepted} ev/s`,
    `${(http.elapsedMs / 1000).toFixed(1)} s; per request p50 ${ms(request.p50)}, p99 ${ms(request.p99)}, max ${ms(request.max)}`,
  );
  row(
    'prism: end to end (first POST → applied + published)',
    `${endToEnd} ev/s`,
    `${(endToEndMs / 1000).toFixed(1)} s (±0.1 s polling)${drain.timedOut ? ` — TIMED OUT, only ${applied} applied, ${drain.consumer.num_pending + drain.consumer.num_ack_pending} pending` : ''}`,
  );
  row(`peer: ${SEGMENT_PEER.name}`, `${SEGMENT_PEER.value} ev/s`);
  console.log(
    `  target ≥ ${TARGET_EVENTS_PER_S} ev/s: end to end ${reached(endToEnd)}; HTTP accepted ${reached(accepted)}`,
  );
  console.log(
    `  accepted ${http.accepted} of ${sent} (duplicates ${http.duplicates}, rejected ${http.rejected}, failed requests ${http.failedRequests} with ${http.failedMessages} messages${
      Object.keys(http.failures).length
        ? `: ${Object.entries(http.failures)
            .map(([key, count]) => `${count}× ${key}`)
            .join('; ')}`
        : ''
    })`,
  );
  console.log(
    `  pipeline backlog when the last POST was answered: ${backlog.num_pending + backlog.num_ack_pending} messages`,
  );
  const kinds = [...results.byKind].map(([kind, count]) => `${kind} ${count}`).join(', ');
  console.log(`  profile.* events published: ${results.events} (${kinds})`);
  console.log(
    `  profiles: ${results.profiles} live; events stored in profiles ${results.storedEvents} of ${http.accepted} accepted`,
  );
  console.log(
    `  ingest consumer: ${drain.consumer.num_redelivered} redelivered; dead letters ${results.deadLetters}; service log: ${logs.summary()}`,
  );
  const wallS = endToEndMs / 1000;
  console.log(
    `  CPU: service process ${cpuS.toFixed(1)} s in ${wallS.toFixed(1)} s (${((cpuS / wallS) * 100).toFixed(0)} % of one core of ${cpus().length}), load generator ${http.cpuS.toFixed(1)} s sending; load average ${loadavg()[0]?.toFixed(2)}`,
  );
  const perBatch = (http.accepted / Math.max(1, stages.batches)).toFixed(0);
  console.log(`  pipeline stages (${stages.batches} batches applied, ${perBatch} messages each on average):`);
  for (const line of stages.lines) console.log(`    ${line}`);
  console.log(
    `  memory: peak RSS of the service process ${peakRssMb().toFixed(0)} MB (${rssBeforeMb.toFixed(0)} MB before the service started)\n`,
  );
  logs.reset();
  return {
    'profile.ingest_events_per_s': {
      value: endToEnd,
      unit: 'events/s',
      goal: TARGET_EVENTS_PER_S,
      peer: SEGMENT_PEER,
    },
  };
}
