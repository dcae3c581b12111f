import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { Random } from '@prism/population';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { echoCaller } from './grpc-echo.js';
import type { Figures } from './report.js';
import { ms, summarize } from './stats.js';

const CHANNELS = 4;
const DURATION_MS = 10_000;
const TARGET_P99_MS = 10;

interface OpenLoopRun {
  offeredRps: number;
  achievedRps: number;
  latenciesMs: number[];
  errors: Map<string, number>;
  /** How far behind its schedule the worst call was started (client-side event-loop lag). */
  worstStartLagMs: number;
  /** Share of the run this process's event loop was busy, and CPU time over wall time. */
  eventLoopBusy: number;
  cpuShare: number;
  /** 1-minute load average at the end: other processes compete for the 2 cores. */
  loadAverage: number;
}

/**
 * Open loop: call i is due at start + i/rate whether or not earlier calls have answered, and its
 * latency counts from when it was due, so a stall shows up in every call it delayed (no
 * coordinated omission). Failed calls are counted by status, not timed.
 */
async function openLoop(rate: number, durationMs: number, call: (index: number) => Promise<unknown>) {
  const interval = 1000 / rate;
  const total = Math.round((rate * durationMs) / 1000);
  // Preallocated, and calls in flight counted rather than kept: thousands of live promises made
  // every young-generation GC here copy them (8–10 ms pauses, seen in a CPU profile).
  const latenciesMs = new Float64Array(total);
  let answered = 0;
  let settled = 0;
  let allSettled: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    allSettled = resolve;
  });
  const errors = new Map<string, number>();
  let worstStartLagMs = 0;
  let lastDoneAt = 0;
  const start = performance.now() + 10;
  const [elu, cpu] = [performance.eventLoopUtilization(), process.cpuUsage()];
  for (let fired = 0; fired < total; ) {
    const now = performance.now();
    for (; fired < total && start + fired * interval <= now; fired++) {
      const due = start + fired * interval;
      worstStartLagMs = Math.max(worstStartLagMs, now - due);
      call(fired)
        .then(
          () => {
            lastDoneAt = performance.now();
            latenciesMs[answered++] = lastDoneAt - due;
          },
          (error: ServiceError) => {
            lastDoneAt = performance.now();
            const name = status[error.code] ?? error.message;
            errors.set(name, (errors.get(name) ?? 0) + 1);
          },
        )
        .finally(() => {
          if (++settled === total) allSettled();
        });
    }
    if (fired < total) await sleep(Math.max(0, start + fired * interval - performance.now()));
  }
  await done;
  const eventLoopBusy = performance.eventLoopUtilization(elu).utilization;
  const { user, system } = process.cpuUsage(cpu);
  const cpuShare = (user + system) / 1000 / (performance.now() - start);
  const achievedRps = Math.round((total / (lastDoneAt - start)) * 1000);
  const usage = { eventLoopBusy, cpuShare, worstStartLagMs, loadAverage: loadavg()[0] ?? Number.NaN };
  return {
    offeredRps: rate,
    achievedRps,
    latenciesMs: [...latenciesMs.subarray(0, answered)],
    errors,
    ...usage,
  } satisfies OpenLoopRun;
}

/** Warm-up (connections, JIT), then 100 and 1,000 offered rps. */
async function openLoops(call: (index: number) => Promise<unknown>) {
  await openLoop(200, 2_000, call);
  const runs = [await openLoop(100, DURATION_MS, call), await openLoop(1000, DURATION_MS, call)];
  // Maps do not cross the IPC channel.
  return runs.map((run) => ({ ...run, errors: Object.fromEntries(run.errors) }));
}

/**
 * GetProfile by random `user_id:<id>` of the people who signed in, round-robin over a few gRPC
 * channels (each its own HTTP/2 connection), after the same load on the bare grpc-js echo peer.
 * Runs in the load generator's process (profile-load.ts), not the service's.
 */
export async function runProfileApiLoad(
  address: string,
  apiKey: string,
  userIds: string[],
  echoAddress: string,
) {
  const echo = echoCaller(echoAddress, CHANNELS);
  const peerRuns = await openLoops(echo.call).finally(echo.close);
  const metadata = apiKeyMetadata(apiKey);
  // A local subchannel pool: otherwise clients of one address share a single connection.
  const clients = Array.from(
    { length: CHANNELS },
    () =>
      new ProfileServiceClient(address, credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }),
  );
  const random = new Random(7);
  const getProfile = async (index: number) => {
    const client = clients[index % CHANNELS] as ProfileServiceClient;
    const lookup = `user_id:${random.pick(userIds)}`;
    const { profile } = await callUnary(client, client.getProfile, metadata, { lookup, traitKeys: [] });
    if (!profile) throw new Error(`no profile in the reply for ${lookup}`);
  };
  try {
    return { runs: await openLoops(getProfile), peerRuns };
  } finally {
    for (const client of clients) client.close();
  }
}

export type ProfileApiRun = Awaited<ReturnType<typeof runProfileApiLoad>>['runs'][number];

/** How the service's process fared over all the runs (warm-up included). */
export interface ServiceDuringRuns {
  /** CPU time over wall time. */
  cpuShare: number;
  /** Event-loop delay: how late its timers ran (GC pauses and long tasks show here). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export function reportProfileApi(
  { runs, peerRuns }: { runs: ProfileApiRun[]; peerRuns: ProfileApiRun[] },
  ids: number,
  service: ServiceDuringRuns,
): Figures {
  console.log(
    `Profile API: GetProfile by random user_id of ${ids} people (open loop ${DURATION_MS / 1000} s per rate, ${CHANNELS} gRPC channels, latency from the scheduled start; load generator in its own process)`,
  );
  for (const run of runs) {
    const s = summarize(run.latenciesMs);
    const errors =
      Object.entries(run.errors)
        .map(([name, count]) => `${name} ${count}`)
        .join(', ') || '0';
    console.log(
      `  offered ${String(run.offeredRps).padStart(5)} rps: achieved ${String(run.achievedRps).padStart(5)} rps   p50 ${ms(s.p50).padStart(9)}   p99 ${ms(s.p99).padStart(9)}   max ${ms(s.max).padStart(9)}   errors ${errors}`,
    );
    const busy = (share: number) => `${(share * 100).toFixed(0)} %`;
    console.log(
      `    load generator: event loop busy ${busy(run.eventLoopBusy)}, CPU ${busy(run.cpuShare)} of one core; worst start lag ${ms(run.worstStartLagMs)}; machine load average ${run.loadAverage.toFixed(2)}`,
    );
  }
  console.log(
    `  service process over the runs (the echo peer's too): CPU ${(service.cpuShare * 100).toFixed(0)} % of one core; event-loop delay p99 ${ms(service.loopDelayP99Ms)}, max ${ms(service.loopDelayMaxMs)}`,
  );
  const p99At1000 = (of: ProfileApiRun[]) => {
    const run = of.find(({ offeredRps }) => offeredRps === 1000);
    return { run, p99: run ? summarize(run.latenciesMs).p99 : Number.NaN };
  };
  const { run: atTarget, p99 } = p99At1000(runs);
  const clean =
    atTarget !== undefined && Object.keys(atTarget.errors).length === 0 && atTarget.achievedRps >= 990;
  console.log('  peer: Segment Profile API (published)  < 200 ms at 100 rps');
  for (const run of peerRuns) {
    const s = summarize(run.latenciesMs);
    console.log(
      `  peer: bare grpc-js echo (1 KB), same load, offered ${String(run.offeredRps).padStart(5)} rps: p50 ${ms(s.p50).padStart(9)}   p99 ${ms(s.p99).padStart(9)}   max ${ms(s.max).padStart(9)}`,
    );
  }
  console.log(
    `  target: p99 ≤ ${TARGET_P99_MS} ms at 1,000 rps      ${p99 <= TARGET_P99_MS && clean ? 'REACHED' : 'NOT reached'} (p99 ${ms(p99)}${clean ? '' : ', with errors or below the offered rate'})\n`,
  );
  const echo = { name: 'bare grpc-js echo (1 KB), same load', value: p99At1000(peerRuns).p99, unit: 'ms' };
  return {
    'profile.get_p99_ms': { value: p99, unit: 'ms', goal: TARGET_P99_MS, peer: echo },
    'profile.echo_p99_ms': { value: echo.value, unit: 'ms' },
  };
}
