import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { callUnary } from '@prism/grpc';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { type AudienceBench, type BenchSpace, storedMemberships, waitUntilApplied } from './audiences.js';
import { BENCH_PERSONAS, campaignAudienceLive, personasCampaign } from './audiences-campaign.js';
import type { CampaignServices } from './audiences-services.js';
import type { StageTotals } from './audiences-stages.js';
import { reportSwitches, type SwitchRun } from './audiences-switch-report.js';
import { type PeopleLoad, wallClock } from './audiences-traffic.js';
import type { Watched } from './audiences-watch.js';
import type { Figures } from './report.js';

// The whole benchmark takes ~8 min at 100,000 here (loading them ~5 min); fewer for a quicker run.
const PROFILES = Number(process.env.BENCH_AUDIENCES_PROFILES ?? 100_000);
// A rebuild is over once audience-sync is idle and has published nothing for this long.
const QUIET_MS = 500;
const REBUILD_TIMEOUT_MS = 1_800_000;

/**
 * Switch rebuild: a space of PROFILES profiles, a campaign whose audience is built from two
 * selected personas, then two switches, each timed from its call to the last event of the
 * rebuilt campaign audience published: another persona selection (audience-sync's work alone),
 * and the approach switch to AI segments followed at once by GenerateSegments, as the wizard
 * does (segment generation's clustering included, and shown apart).
 */
export async function benchSwitchRebuild(
  bench: AudienceBench,
  services: CampaignServices,
  space: BenchSpace,
): Promise<Figures> {
  const people = await bench.load.run<PeopleLoad>({
    kind: 'people',
    tracking: space.tracking,
    people: PROFILES,
  });
  const applied = await waitUntilApplied(bench, 900_000);
  const mirrored = bench.audiences.engine.space(space.id).mirror.size;
  const { campaignId, epoch, personaIds } = await personasCampaign(services, space);
  const { personas, strategies, segments } = services;
  const { metadata } = space;
  const stages = bench.syncStages;
  stages.take();
  const selecting = performance.now();
  await callUnary(personas, personas.selectCampaignPersonas, metadata, {
    campaignId,
    personaIds: [personaIds.runners, personaIds.retirees],
    expectedEpoch: epoch,
  });
  const first = await campaignAudienceLive(bench, services, space, { campaignId, epoch, parts: 2 });
  const firstBuildMs = performance.now() - selecting;
  const firstStages = stages.take();
  const unionKey = first.union.key;
  const timed = (action: () => Promise<void>, finished: (seen: Watched) => boolean) =>
    timedRebuild({ bench, space, unionKey, stages }, action, finished);

  const personaSwitch = await timed(
    async () => {
      await callUnary(personas, personas.selectCampaignPersonas, metadata, {
        campaignId,
        personaIds: [personaIds.families, personaIds.tech],
        expectedEpoch: epoch,
      });
    },
    (seen) => seen.unionComputed.length > 0,
  );
  const marks: { switchedAt?: number; generatedReplyAt?: number; segments?: number; newEpoch?: number } = {};
  const approachSwitch = await timed(
    async () => {
      const reply = await callUnary(strategies, strategies.setAudienceApproach, metadata, {
        campaignId,
        approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
        expectedEpoch: epoch,
      });
      marks.switchedAt = wallClock();
      marks.newEpoch = reply.campaign?.epoch ?? 0;
      const request = { campaignId, expectedEpoch: marks.newEpoch, context: '', segmentCount: 0, seed: 1 };
      for await (const message of segments.generateSegments(request, metadata))
        if (message.update?.$case === 'result')
          marks.segments = message.update.value.segments?.segments.length;
      marks.generatedReplyAt = wallClock();
    },
    (seen) =>
      seen.generatedAt !== undefined &&
      seen.unionComputed.some((computed) => computed.at > (seen.generatedAt as number)),
  );
  return reportSwitches({
    bench,
    profiles: {
      requested: PROFILES,
      mirrored,
      load: people,
      ingestedMs: applied.ingestedAt - people.startedAt,
      mirroredMs: applied.appliedAt - people.startedAt,
    },
    first: {
      ms: firstBuildMs,
      size: Number(first.union.size),
      parts: first.parts.map((part) => Number(part.size)),
      stages: firstStages,
    },
    personaSwitch,
    approachSwitch: { ...approachSwitch, marks },
    personas: BENCH_PERSONAS,
  } satisfies SwitchRun);
}

export interface TimedRebuild {
  startedAt: number;
  endedAt: number;
  watched: Watched;
  /** entered/exited in the AUDIENCE stream for the space while it ran: the watcher's cross-check. */
  stored: { entered: number; exited: number };
  /** audience-sync's time meanwhile. */
  stages: StageTotals;
}

interface RebuildScene {
  bench: AudienceBench;
  space: BenchSpace;
  unionKey: string;
  stages: AudienceBench['syncStages'];
}

/**
 * Runs `action` with the watcher counting from just before it; over when `finished` holds for
 * what was seen, audience-sync's queues are idle and nothing was published for QUIET_MS. Ends at
 * the last event published.
 */
async function timedRebuild(
  { bench, space, unionKey, stages }: RebuildScene,
  action: () => Promise<void>,
  finished: (seen: Watched) => boolean,
): Promise<TimedRebuild> {
  const nats = { url: bench.infra.natsUrl, prefix: bench.prefix };
  const storedBefore = await storedMemberships(bench, space);
  await bench.observer.run({ kind: 'watch', nats, space: space.id, unionKey });
  stages.take();
  const startedAt = wallClock();
  await action();
  for (;;) {
    await sleep(100);
    const seen = await bench.observer.run<Watched>({ kind: 'watched' });
    if (wallClock() - startedAt > REBUILD_TIMEOUT_MS)
      throw new Error(`no rebuild within ${REBUILD_TIMEOUT_MS} ms`);
    if (!finished(seen) || wallClock() - (seen.lastAt ?? startedAt) < QUIET_MS) continue;
    await bench.audiences.engine.idle();
    const settled = await bench.observer.run<Watched>({ kind: 'watched' });
    if (settled.lastAt !== seen.lastAt) continue;
    const storedAfter = await storedMemberships(bench, space);
    const stored = {
      entered: storedAfter.entered - storedBefore.entered,
      exited: storedAfter.exited - storedBefore.exited,
    };
    return {
      startedAt,
      endedAt: settled.lastAt ?? startedAt,
      watched: settled,
      stored,
      stages: stages.take(),
    };
  }
}
