import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { callUnary } from '@prism/grpc';
import { AudienceServiceClient, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import {
  type AudienceBench,
  type BenchSpace,
  pipelineConsumers,
  storedMemberships,
  waitUntilApplied,
} from './audiences.js';
import { reportEnterLatency } from './audiences-enter-report.js';
import type { AudienceLoadCommand } from './audiences-load.js';
import type { ProbeTimes } from './audiences-probe.js';
import { benchAudienceSpecs, PROBE_AUDIENCE_KEY } from './audiences-rules.js';
import type { SteadyLoad } from './audiences-traffic.js';
import { timePipelineStages } from './profile-diagnostics.js';
import type { Figures } from './report.js';

const AUDIENCES = 100;
const RATE = Number(process.env.BENCH_AUDIENCES_RATE ?? 5000);
const LOAD_MS = Number(process.env.BENCH_AUDIENCES_LOAD_S ?? 30) * 1000;
const PROBE_EVERY_MS = 50;
// The first second of probes warms the code paths up; they are not counted.
const WARM_UP_PROBES = 1000 / PROBE_EVERY_MS;
const TARGET_P99_MS = 50;
// How long the probes wait, after the last one, for entries still to come.
const SETTLE_MS = 60_000;
const IDLE_MS = 6_000;

/**
 * Enter latency under load: 100 live dynamic audiences in a space the tracking load streams
 * into at RATE events/s; meanwhile a probe every 50 ms, an identify of a fresh user that
 * enters the probe audience, timed from its HTTP answer to its `audience.entered` on NATS.
 */
export async function benchEnterLatency(bench: AudienceBench, space: BenchSpace): Promise<Figures> {
  const client = new AudienceServiceClient(`127.0.0.1:${bench.audiences.port}`, credentials.createInsecure());
  try {
    for (const spec of benchAudienceSpecs(AUDIENCES))
      await callUnary(client, client.createAudience, space.metadata, { spec });
    await allLive(bench, client, space);
    const probe = (run: string, durationMs: number): AudienceLoadCommand => ({
      kind: 'probe',
      tracking: space.tracking,
      nats: { url: bench.infra.natsUrl, prefix: bench.prefix },
      space: space.id,
      audienceKey: PROBE_AUDIENCE_KEY,
      run,
      everyMs: PROBE_EVERY_MS,
      durationMs,
      settleMs: SETTLE_MS,
    });
    // The path's floor first: the same probes with nothing else going on.
    const idle = await bench.observer.run<ProbeTimes[]>(probe('idle', IDLE_MS));
    const before = await pipelineConsumers(bench);
    const storedBefore = await storedMemberships(bench, space);
    const pipeline = timePipelineStages(bench.profile);
    bench.syncStages.take();
    const cpu = process.cpuUsage();
    // The pipeline is read when the last POST is answered, while the probes still settle.
    const loaded = bench.load
      .run<SteadyLoad>({ kind: 'steady', tracking: space.tracking, perSecond: RATE, durationMs: LOAD_MS })
      .then(async (load) => {
        const { user, system } = process.cpuUsage(cpu);
        const atEnd = await pipelineConsumers(bench);
        return { load, atEnd, cpuS: (user + system) / 1e6, applied: await waitUntilApplied(bench, 120_000) };
      });
    const [{ load, atEnd, cpuS, applied }, probes] = await Promise.all([
      loaded,
      bench.observer.run<ProbeTimes[]>(probe('loaded', LOAD_MS)),
    ]);
    const after = await pipelineConsumers(bench);
    const storedAfter = await storedMemberships(bench, space);
    return reportEnterLatency({
      setup: {
        audiences: AUDIENCES,
        rate: RATE,
        loadMs: LOAD_MS,
        probeEveryMs: PROBE_EVERY_MS,
        warmUpProbes: WARM_UP_PROBES,
        settleMs: SETTLE_MS,
      },
      targetP99Ms: TARGET_P99_MS,
      load,
      probes: probes.slice(WARM_UP_PROBES),
      idle: idle.slice(WARM_UP_PROBES),
      backlogAtEnd: atEnd.ingest.num_pending + atEnd.ingest.num_ack_pending,
      mirrorBacklogAtEnd: atEnd.mirror.num_pending + atEnd.mirror.num_ack_pending,
      drainMs: applied.appliedAt - (load.startedAt + load.elapsedMs),
      profileEvents: after.mirror.delivered.consumer_seq - before.mirror.delivered.consumer_seq,
      memberships: storedAfter.entered + storedAfter.exited - storedBefore.entered - storedBefore.exited,
      cpuS,
      pipeline: pipeline.summary().lines,
      sync: bench.syncStages.take(),
      bench,
    });
  } finally {
    client.close();
  }
}

/** Waits until audience-sync has computed every audience of the space. */
async function allLive(bench: AudienceBench, client: AudienceServiceClient, space: BenchSpace) {
  for (;;) {
    await bench.audiences.engine.idle();
    const { audiences } = await callUnary(client, client.listAudiences, space.metadata, {
      pageSize: AUDIENCES,
      pageToken: '',
      includeCampaignAudiences: false,
    });
    if (audiences.every((audience) => audience.status?.state === ComputeState.COMPUTE_STATE_LIVE)) return;
    await sleep(50);
  }
}
