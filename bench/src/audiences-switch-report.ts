import { loadavg } from 'node:os';
import type { PersonaDemographics } from '@prism/proto/prism/persona/v1/persona';
import type { AudienceBench } from './audiences.js';
import { ANCHORS, anchorLines, row } from './audiences-anchors.js';
import { describeStages, type StageTotals } from './audiences-stages.js';
import type { TimedRebuild } from './audiences-switch.js';
import type { PeopleLoad } from './audiences-traffic.js';
import type { Figures } from './report.js';
import { peakRssMb, perSecond } from './stats.js';

const TARGET_MS = 2_000;

export interface SwitchRun {
  bench: AudienceBench;
  profiles: { requested: number; mirrored: number; load: PeopleLoad; ingestedMs: number; mirroredMs: number };
  first: { ms: number; size: number; parts: number[]; stages: StageTotals };
  personaSwitch: TimedRebuild;
  approachSwitch: TimedRebuild & {
    marks: { switchedAt?: number; generatedReplyAt?: number; segments?: number; newEpoch?: number };
  };
  personas: Record<string, { name: string; demographics: PersonaDemographics }>;
}

const msText = (value: number) => `${Math.round(value)} ms`;
const memberships = ({ entered, exited }: { entered: number; exited: number }) => entered + exited;

function reportLoad({ profiles }: SwitchRun) {
  const { load } = profiles;
  console.log(
    `Audiences: campaign audience rebuilt on a switch — a space of ${profiles.requested} profiles (BENCH_AUDIENCES_PROFILES), each one identify with the population's traits`,
  );
  row(
    'loading: HTTP accepted',
    `${perSecond(load.accepted, load.elapsedMs)} ev/s`,
    `${load.accepted} in ${(load.elapsedMs / 1000).toFixed(1)} s, ${load.failedRequests} failed requests (bodies of 500, 8 senders; generated in ${(load.generationMs / 1000).toFixed(1)} s, before timing)`,
  );
  row(
    'loading: first POST → applied by the profile service',
    `${(profiles.ingestedMs / 1000).toFixed(1)} s`,
    `${perSecond(load.accepted, profiles.ingestedMs)} profiles/s`,
  );
  row(
    'loading: first POST → mirrored by audience-sync',
    `${(profiles.mirroredMs / 1000).toFixed(1)} s`,
    `${profiles.mirrored} profiles in its mirror (2 profile.* events each)`,
  );
}

function reportRebuild(name: string, rebuild: TimedRebuild) {
  const { watched, stored } = rebuild;
  const total = rebuild.endedAt - rebuild.startedAt;
  row(
    name,
    msText(total),
    `${watched.entered} entered + ${watched.exited} exited (stream: ${stored.entered} + ${stored.exited}), ${watched.computed} computed; ${perSecond(memberships(watched), total)} memberships/s`,
  );
  stageLines(rebuild.stages, total);
  return total;
}

const stageLines = (stages: StageTotals, wallMs: number) => {
  for (const line of describeStages(stages, wallMs)) console.log(`      audience-sync: ${line}`);
};

export function reportSwitches(run: SwitchRun): Figures {
  const { bench, first, personaSwitch, approachSwitch, personas } = run;
  reportLoad(run);
  const names = (...handles: string[]) => handles.map((handle) => personas[handle]?.name).join(' + ');
  row(
    `first build: select ${names('runners', 'retirees')}`,
    msText(first.ms),
    `→ union live with ${first.size} members (parts ${first.parts.join(', ')}); polled`,
  );
  stageLines(first.stages, first.ms);
  const personaMs = reportRebuild(
    `persona switch → ${names('families', 'tech')}, call → last event`,
    personaSwitch,
  );
  const { marks, watched, startedAt, endedAt } = approachSwitch;
  const generatedAt = watched.generatedAt ?? Number.NaN;
  const switchMs = reportRebuild('approach switch → AI segments + GenerateSegments', approachSwitch);
  const emptied = watched.unionComputed.find((computed) => computed.epoch === marks.newEpoch);
  row('  SetAudienceApproach call → reply', msText((marks.switchedAt ?? Number.NaN) - startedAt));
  row(
    '  call → emptied union published (new epoch)',
    msText((emptied?.at ?? Number.NaN) - startedAt),
    `epoch ${marks.newEpoch}; every member of the persona parts exits`,
  );
  row(
    '  reply → campaign.segments.generated published',
    msText(generatedAt - (marks.switchedAt ?? Number.NaN)),
    `segment-generation: ${marks.segments} segments from ${run.profiles.mirrored} profiles (export, cluster, describe, rules); its reply ${msText((marks.generatedReplyAt ?? Number.NaN) - generatedAt)} after`,
  );
  const syncMs = endedAt - generatedAt;
  const filled = memberships(watched.afterGenerated);
  row(
    '  segments.generated → last event (audience-sync)',
    msText(syncMs),
    `${watched.afterGenerated.entered} entered + ${watched.afterGenerated.exited} exited (exits here finish the emptying); ${perSecond(filled, syncMs)} memberships/s`,
  );
  anchorLines();
  const verdict = (value: number) => (value <= TARGET_MS ? 'reached' : 'NOT reached');
  console.log(
    `  target ≤ ${TARGET_MS} ms: approach switch ${verdict(switchMs)} (${msText(switchMs)}, of which audience-sync's rebuild ${msText(syncMs)}: ${verdict(syncMs)}); persona switch ${verdict(personaMs)} (${msText(personaMs)})`,
  );
  console.log(
    `  peak RSS of the bench process (5 services) ${peakRssMb().toFixed(0)} MB; load average ${loadavg()[0]?.toFixed(2)}; service log: ${bench.logs.summary()}\n`,
  );
  const goal = { unit: 'ms', goal: TARGET_MS } as const;
  return {
    'audiences.switch_rebuild_ms': { value: switchMs, ...goal, peer: ANCHORS.posthog },
    'audiences.switch_sync_ms': { value: syncMs, ...goal },
    'audiences.switch_generation_ms': { value: generatedAt - (marks.switchedAt ?? Number.NaN), unit: 'ms' },
    'audiences.switch_events': { value: memberships(watched), unit: 'events' },
    'audiences.switch_events_per_s': { value: perSecond(filled, syncMs), unit: 'events/s' },
    'audiences.persona_switch_ms': { value: personaMs, ...goal, peer: ANCHORS.posthog },
    'audiences.persona_switch_events': { value: memberships(personaSwitch.watched), unit: 'events' },
    'audiences.persona_switch_events_per_s': {
      value: perSecond(memberships(personaSwitch.watched), personaMs),
      unit: 'events/s',
    },
    'audiences.first_build_ms': { value: first.ms, unit: 'ms' },
    'audiences.switch_profiles': { value: run.profiles.mirrored, unit: 'profiles' },
    'audiences.space_load_s': { value: run.profiles.mirroredMs / 1000, unit: 's' },
  };
}
