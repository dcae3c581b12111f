import { type ChildProcess, fork, type Serializable } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { type Bus, connectBus, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { connectMongo } from '@prism/store';
import { startEchoServer } from './grpc-echo.js';
import { benchNamespace, deleteStreams } from './namespace.js';
import type { ProfileApiRun } from './profile-api.js';
import { bundleServiceProcess } from './profile-scale-bundle.js';
import type { ImportLoad, ScaleLoadCommand } from './profile-scale-load.js';
import type { ServiceCommand } from './profile-scale-service.js';
import type { Figures } from './report.js';
import { ms, peakRssMb, summarize } from './stats.js';

/** The issue's figures are for a million people: a smaller run prints its figures but records none. */
const RECORDED_PEOPLE = 1_000_000;
const PEOPLE = Number(process.env.BENCH_PROFILE_SCALE_PEOPLE ?? RECORDED_PEOPLE);
const SPACE = 'bench-scale';
const ADMIN_KEY = 'bench-operator-key-0001';
const GOALS = { messagesPerS: 10_000, bytesPerProfile: 1_000, firstAnswerMs: 2_000, echoRatio: 1.2 };

interface Child {
  process: ChildProcess;
  ask<T>(command: Serializable): Promise<T>;
}

/** Forks a bench helper (TypeScript through tsx unless given as a bundle); `ask` sends it a command and resolves with its reply. */
function forkHelper(file: string, options: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Child {
  const bundled = file.endsWith('.mjs');
  const child = fork(bundled ? file : fileURLToPath(new URL(file, import.meta.url)), [], {
    execArgv: [...(bundled ? [] : ['--import', 'tsx']), ...(options.nodeArgs ?? [])],
    env: options.env ?? process.env,
    stdio: 'inherit',
  });
  return {
    process: child,
    ask<T>(command: Serializable): Promise<T> {
      return new Promise((resolve, reject) => {
        const onExit = (code: number | null) => reject(new Error(`${file} exited (${code})`));
        child.once('exit', onExit);
        child.once('message', (reply: { ok: boolean; result?: T; error?: string }) => {
          child.off('exit', onExit);
          if (reply.ok) resolve(reply.result as T);
          else reject(new Error(`${file}: ${reply.error}`));
        });
        child.send(command);
      });
    },
  };
}

interface Service extends Child {
  port: number;
  httpPort: number;
  spawnedAt: number;
  readyAt: number;
}

const wallClock = () => performance.timeOrigin + performance.now();

async function startService(bundle: string, env: NodeJS.ProcessEnv): Promise<Service> {
  const spawnedAt = wallClock();
  const nodeArgs = ['--expose-gc', ...(process.env.BENCH_SERVICE_NODE_ARGS?.split(' ') ?? [])];
  const child = forkHelper(bundle, { env: { ...process.env, ...env }, nodeArgs });
  const ready = await new Promise<{ port: number; httpPort: number }>((resolve, reject) => {
    child.process.once('exit', (code) => reject(new Error(`the service exited (${code})`)));
    child.process.once('message', resolve);
  });
  return { ...child, ...ready, spawnedAt, readyAt: wallClock() };
}

async function stopService(service: Service) {
  const exited = new Promise((resolve) => service.process.once('exit', resolve));
  await service.ask<unknown>({ kind: 'stop' } satisfies ServiceCommand).catch(() => undefined);
  await exited;
}

async function createSpace(address: string) {
  const spaces = new SpaceServiceClient(address, credentials.createInsecure());
  try {
    const request = { spaceId: SPACE, displayName: 'Profile scale benchmark' };
    return await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), request);
  } finally {
    spaces.close();
  }
}

/** Until the ingest consumer has nothing pending or unacked and the profile stream was quiet 1 s. */
async function waitUntilApplied(bus: Bus, timeoutMs: number) {
  const deadline = wallClock() + timeoutMs;
  let quiet: { since: number; events: number } | undefined;
  for (;;) {
    const now = wallClock();
    const consumer = await bus.jsm.consumers.info(streamName(bus.prefix, 'ingest'), 'profile-ingest');
    const events = (await bus.jsm.streams.info(streamName(bus.prefix, 'profile'))).state.messages;
    const idle = consumer.num_pending === 0 && consumer.num_ack_pending === 0;
    if (!idle) quiet = undefined;
    else if (quiet?.events !== events) quiet = { since: now, events };
    else if (now - quiet.since >= 1000) return { endedAt: quiet.since, events, timedOut: false };
    if (now > deadline) return { endedAt: now, events, timedOut: true };
    await sleep(250);
  }
}

type Memory = { heapUsed: number; rss: number; external: number; peakRss: number; cpuMicros: number };
const memoryOf = (service: Service) => service.ask<Memory>({ kind: 'memory' } satisfies ServiceCommand);
const statsOf = (service: Service) =>
  service.ask<{ profiles: number; stages: { batches: number; lines: string[] } }>({
    kind: 'stats',
    spaceId: SPACE,
  } satisfies ServiceCommand);
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/**
 * A million new people into a fresh space through the HTTP Tracking API, the profile service in
 * a process of its own (bundled JavaScript, as production runs it; see profile-scale-bundle.ts): import throughput end to end, memory per profile (heap after a full GC,
 * RSS), time to the first GetProfile answer after a restart, then GetProfile at 1,000 rps beside
 * the grpc-js echo floor. BENCH_PROFILE_SCALE_PEOPLE shrinks it.
 */
export async function benchProfileScale(infra: Infrastructure): Promise<Figures> {
  const { prefix, dbName } = benchNamespace();
  const env = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: prefix,
    PROFILE_DB: dbName,
    PROFILE_GRPC_PORT: '0',
    PROFILE_HTTP_PORT: '0',
    PRISM_ADMIN_KEY: ADMIN_KEY,
    LOG_LEVEL: 'warn',
  };
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench-profile-scale', prefix });
  const load = forkHelper('./profile-scale-load.ts');
  let service: Service | undefined;
  try {
    const bundle = await bundleServiceProcess();
    service = await startService(bundle, env);
    const empty = await memoryOf(service);
    const keys = await createSpace(`127.0.0.1:${service.port}`);
    console.log(
      `Profile service at scale — ${PEOPLE} new people, 2 messages each (identify + track), /v1/batch of 1,000, 8 senders`,
    );
    const http = await load.ask<ImportLoad>({
      kind: 'import',
      url: `http://127.0.0.1:${service.httpPort}`,
      writeKey: keys.writeKey,
      people: PEOPLE,
    } satisfies ScaleLoadCommand);
    const drain = await waitUntilApplied(bus, 3 * 3600_000);
    const importMs = drain.endedAt - http.startedAt;
    const messagesPerS = Math.round((http.accepted / importMs) * 1000);
    const stats = await statsOf(service);
    const imported = await memoryOf(service);
    const cpuPerMessage = (imported.cpuMicros - empty.cpuMicros) / http.accepted;
    const perProfile = (after: Memory) => ({
      heap: (after.heapUsed + after.external - empty.heapUsed - empty.external) / stats.profiles,
      rss: (after.rss - empty.rss) / stats.profiles,
    });
    const held = perProfile(imported);
    console.log(
      `  HTTP accepted ${http.accepted} of ${http.messages} messages in ${(http.elapsedMs / 1000).toFixed(1)} s (failed requests ${http.failedRequests}${Object.keys(http.failures).length ? `: ${JSON.stringify(http.failures)}` : ''})`,
    );
    console.log(
      `  end to end (first POST → applied + published): ${messagesPerS} messages/s, ${(importMs / 1000).toFixed(1)} s${drain.timedOut ? ' — TIMED OUT' : ''}; goal ≥ ${GOALS.messagesPerS}: ${messagesPerS >= GOALS.messagesPerS ? 'REACHED' : 'NOT reached'}`,
    );
    console.log(
      `  live profiles ${stats.profiles}; profile.* events published ${drain.events}; load average ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`,
    );
    console.log(
      `  service CPU (all its threads) ${cpuPerMessage.toFixed(0)} µs a message, ${((cpuPerMessage * http.accepted) / 1000 / importMs).toFixed(2)} cores during the import`,
    );
    console.log(`  pipeline stages (${stats.stages.batches} batches):`);
    for (const line of stats.stages.lines) console.log(`    ${line}`);
    console.log(
      `  memory after the import: heap+external after GC ${mb(imported.heapUsed + imported.external)}, RSS ${mb(imported.rss)}, peak RSS ${mb(imported.peakRss)} (empty service: ${mb(empty.heapUsed + empty.external)}, RSS ${mb(empty.rss)})`,
    );
    console.log(
      `    per profile: heap+external ${held.heap.toFixed(0)} B, RSS ${held.rss.toFixed(0)} B; goal ≤ ${GOALS.bytesPerProfile} B: ${Math.max(held.heap, held.rss) <= GOALS.bytesPerProfile ? 'REACHED' : 'NOT reached'}`,
    );

    const { port } = service;
    await stopService(service);
    const answer = load.ask<{ answeredAt: number; errors: Record<string, number> }>({
      kind: 'first-answer',
      address: `127.0.0.1:${port}`,
      apiKey: keys.apiKey,
      people: PEOPLE,
    } satisfies ScaleLoadCommand);
    service = await startService(bundle, { ...env, PROFILE_GRPC_PORT: String(port) });
    const first = await answer;
    const firstAnswerMs = first.answeredAt - service.spawnedAt;
    console.log(
      `  restart: first GetProfile answered ${ms(firstAnswerMs)} after the new process was spawned (${ms(service.readyAt - service.spawnedAt)} until its HTTP Tracking API listened too); goal ≤ ${GOALS.firstAnswerMs} ms: ${firstAnswerMs <= GOALS.firstAnswerMs ? 'REACHED' : 'NOT reached'}`,
    );
    const loaded = await statsOf(service);
    const loadedS = (wallClock() - service.spawnedAt) / 1000;
    const reloaded = perProfile(await memoryOf(service));
    console.log(
      `  restart: directory of ${loaded.profiles} profiles loaded in the background ${loadedS.toFixed(1)} s after the spawn; then per profile heap+external ${reloaded.heap.toFixed(0)} B, RSS ${reloaded.rss.toFixed(0)} B`,
    );

    const echo = await startEchoServer();
    const api = await load
      .ask<{ runs: ProfileApiRun[]; peerRuns: ProfileApiRun[] }>({
        kind: 'api',
        address: `127.0.0.1:${service.port}`,
        apiKey: keys.apiKey,
        people: PEOPLE,
        echoAddress: echo.address,
      } satisfies ScaleLoadCommand)
      .finally(echo.stop);
    const at1000 = (runs: ProfileApiRun[]) => runs.find(({ offeredRps }) => offeredRps === 1000);
    const get = at1000(api.runs);
    const floor = at1000(api.peerRuns);
    const getP99 = get ? summarize(get.latenciesMs).p99 : Number.NaN;
    const echoP99 = floor ? summarize(floor.latenciesMs).p99 : Number.NaN;
    for (const [name, run] of [
      ['GetProfile', get],
      ['grpc-js echo', floor],
    ] as const) {
      if (!run) continue;
      const s = summarize(run.latenciesMs);
      console.log(
        `  ${name.padEnd(12)} offered 1000 rps: achieved ${run.achievedRps} rps, p50 ${ms(s.p50)}, p99 ${ms(s.p99)}, max ${ms(s.max)}, errors ${JSON.stringify(run.errors)}`,
      );
    }
    console.log(
      `  GetProfile p99 ${ms(getP99)} vs ${GOALS.echoRatio}× echo ${ms(GOALS.echoRatio * echoP99)}: ${getP99 <= GOALS.echoRatio * echoP99 ? 'REACHED' : 'NOT reached'}; bench process peak RSS ${peakRssMb().toFixed(0)} MB\n`,
    );
    if (PEOPLE !== RECORDED_PEOPLE) {
      console.log(`  ${PEOPLE} people, not ${RECORDED_PEOPLE}: figures not recorded in reports/bench.json\n`);
      return {};
    }
    return {
      'profile.import_messages_per_s': { value: messagesPerS, unit: 'messages/s', goal: GOALS.messagesPerS },
      'profile.resident_bytes_per_profile': {
        value: Math.round(Math.max(held.heap, held.rss)),
        unit: 'bytes',
        goal: GOALS.bytesPerProfile,
      },
      'profile.restart_first_answer_ms': { value: firstAnswerMs, unit: 'ms', goal: GOALS.firstAnswerMs },
      'profile.get_p99_ms_1m': {
        value: getP99,
        unit: 'ms',
        goal: GOALS.echoRatio * echoP99,
        peer: { name: 'bare grpc-js echo (1 KB), same load', value: echoP99, unit: 'ms' },
      },
    };
  } finally {
    load.process.connected && load.process.disconnect();
    if (service) await stopService(service).catch(() => undefined);
    await deleteStreams(bus, prefix);
    await bus.close();
    const mongo = await connectMongo(infra.mongoUrl, dbName);
    await mongo.db.dropDatabase();
    await mongo.close();
  }
}
