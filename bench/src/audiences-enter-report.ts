import { loadavg } from 'node:os';
import type { AudienceBench } from './audiences.js';
import { ANCHORS, anchorLines, row } from './audiences-anchors.js';
import type { ProbeTimes } from './audiences-probe.js';
import { describeStages, type StageTotals } from './audiences-stages.js';
import type { SteadyLoad } from './audiences-traffic.js';
import type { Figures } from './report.js';
import { ms, perSecond, summarize } from './stats.js';

/** What the enter-latency run measured, and how it was set up. */
export interface EnterRun {
  setup: {
    audiences: number;
    rate: number;
    loadMs: number;
    probeEveryMs: number;
    warmUpProbes: number;
    settleMs: number;
  };
  targetP99Ms: number;
  load: SteadyLoad;
  probes: ProbeTimes[];
  /** The same probes before the load. */
  idle: ProbeTimes[];
  backlogAtEnd: number;
  mirrorBacklogAtEnd: number;
  drainMs: number;
  profileEvents: number;
  /** entered + exited events audience-sync published in the space meanwhile. */
  memberships: number;
  cpuS: number;
  /** The profile service's ingest pipeline stages, and audience-sync's, over the run. */
  pipeline: string[];
  sync: StageTotals;
  bench: AudienceBench;
}

/**
 * Time from one moment of each probe to another, over the probes that reached the first; one
 * that never reached the second counts as never (Infinity), so losses show in the percentiles.
 */
const between = (probes: ProbeTimes[], from: keyof ProbeTimes, to: keyof ProbeTimes) =>
  summarize(
    probes.flatMap((probe) => {
      const start = probe[from];
      if (start === undefined) return [];
      const end = probe[to];
      return [end === undefined ? Number.POSITIVE_INFINITY : end - start];
    }),
  );

const msOrNever = (value: number) => (Number.isFinite(value) ? ms(value) : 'never');
const spread = (s: ReturnType<typeof summarize>) =>
  `p50 ${msOrNever(s.p50).padStart(10)}  p99 ${msOrNever(s.p99).padStart(10)}  max ${msOrNever(s.max).padStart(10)}`;

/** The probes' figures, printed: the whole path, its two halves, and the probe's own request. */
function probeRows(title: string, probes: ProbeTimes[], settleMs: number) {
  const entered = between(probes, 'acceptedAt', 'enteredAt');
  const toChanged = between(probes, 'acceptedAt', 'changedAt');
  const changedToEntered = between(probes, 'changedAt', 'enteredAt');
  const missing = probes.filter((probe) => probe.enteredAt === undefined).length;
  const refused = probes.filter((probe) => probe.acceptedAt === undefined).length;
  console.log(
    `  ${title}: ${probes.length} probes, ${missing} never entered (waited ${settleMs / 1000} s after the last), ${refused} not accepted`,
  );
  row('  prism: HTTP accepted → audience.entered published', '', spread(entered));
  row('    accepted → profile.traits_changed published', '', spread(toChanged));
  row('    profile.traits_changed → audience.entered', '', spread(changedToEntered));
  row('    (probe request: sent → HTTP accepted)', '', spread(between(probes, 'sentAt', 'acceptedAt')));
  return { entered, toChanged, changedToEntered };
}

function loadRows(run: EnterRun) {
  const { load, setup } = run;
  const loadRequest = summarize(load.requestMs);
  const windowMs = load.elapsedMs + run.drainMs;
  console.log(
    `  load: population histories (pages, tracks, identify at sign-in; 200 people interleaved) on /v1/batch in bodies of 100, offered ${setup.rate} ev/s for ${(setup.loadMs / 1000).toFixed(0)} s from a helper process`,
  );
  row(
    'achieved: HTTP accepted',
    `${perSecond(load.accepted, load.elapsedMs)} ev/s`,
    `${load.accepted} of ${load.sentMessages} sent in ${(load.elapsedMs / 1000).toFixed(1)} s; ${load.failedRequests} failed requests; per request p50 ${ms(loadRequest.p50)}, p99 ${ms(loadRequest.p99)}; ${load.deferred} sends held back by the 32-in-flight cap`,
  );
  row(
    'pipeline after the last POST',
    `${run.backlogAtEnd} msgs`,
    `ingest backlog (audience-sync's: ${run.mirrorBacklogAtEnd}); applied ${(run.drainMs / 1000).toFixed(1)} s later`,
  );
  row(
    'audience-sync consumed',
    `${perSecond(run.profileEvents, windowMs)} ev/s`,
    `${run.profileEvents} profile.* events; published ${run.memberships} entered/exited (${perSecond(run.memberships, windowMs)}/s) until applied`,
  );
}

export function reportEnterLatency(run: EnterRun): Figures {
  const { load, setup, bench } = run;
  console.log(
    `Audiences: entry into a live audience — ${setup.audiences} live dynamic audiences (the probe's and ${setup.audiences - 1} over the population's traits) in one space; a probe is an identify of a fresh user every ${setup.probeEveryMs} ms (the first ${setup.warmUpProbes} of each run left out as warm-up)`,
  );
  const idle = probeRows('without load', run.idle, setup.settleMs);
  loadRows(run);
  const loaded = probeRows('under that load', run.probes, setup.settleMs);
  console.log('  where the time went under load, until everything was applied:');
  for (const line of run.pipeline) console.log(`    profile ${line}`);
  for (const line of describeStages(run.sync, load.elapsedMs + run.drainMs))
    console.log(`    audience-sync: ${line}`);
  anchorLines();
  const verdict = (p99: number) => (p99 <= run.targetP99Ms ? 'reached' : 'NOT reached');
  console.log(
    `  target p99 ≤ ${run.targetP99Ms} ms: under load ${verdict(loaded.entered.p99)} (p99 ${msOrNever(loaded.entered.p99)}); without load ${verdict(idle.entered.p99)} (p99 ${msOrNever(idle.entered.p99)})`,
  );
  console.log(
    `  CPU: bench process (profile + audience-sync) ${run.cpuS.toFixed(1)} s in ${(load.elapsedMs / 1000).toFixed(1)} s of load; load average ${loadavg()[0]?.toFixed(2)}; service log: ${bench.logs.summary()}\n`,
  );
  bench.logs.reset();
  const { entered, toChanged, changedToEntered } = loaded;
  return {
    'audiences.enter_p50_ms': { value: entered.p50, unit: 'ms' },
    'audiences.enter_p99_ms': {
      value: entered.p99,
      unit: 'ms',
      goal: run.targetP99Ms,
      peer: ANCHORS.segment,
    },
    'audiences.enter_max_ms': { value: entered.max, unit: 'ms' },
    'audiences.enter_profile_p99_ms': { value: toChanged.p99, unit: 'ms' },
    'audiences.enter_sync_p99_ms': { value: changedToEntered.p99, unit: 'ms' },
    'audiences.enter_probes': { value: entered.count, unit: 'probes' },
    'audiences.enter_idle_p50_ms': { value: idle.entered.p50, unit: 'ms' },
    'audiences.enter_idle_p99_ms': { value: idle.entered.p99, unit: 'ms', goal: run.targetP99Ms },
    'audiences.load_events_per_s': {
      value: perSecond(load.accepted, load.elapsedMs),
      unit: 'events/s',
      goal: setup.rate,
    },
  };
}
