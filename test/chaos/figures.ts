import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { ClickFigures } from './click-load.js';
import type { DeadLetter } from './dead-letters.js';
import type { EventsOnce } from './events-once.js';
import type { FaultFigure } from './faults.js';
import type { IngestFigures } from './ingest.js';
import type { MembershipFigures } from './memberships.js';

/** What a chaos run did and found, as printed and as written to reports/chaos.json. */
export interface ChaosFigures {
  mode: 'short' | 'full';
  date: string;
  machine: { cpus: number; loadAverage: number[] };
  durationMs: number;
  seed: number;
  ingest: IngestFigures;
  clicks: ClickFigures;
  faults: FaultFigure[];
  events: Omit<EventsOnce, 'lost' | 'duplicated'> & { lost: number; duplicated: number };
  campaigns: { count: number; personasCleared: number; segmentsGenerated: number; segmentsCleared: number };
  memberships: Omit<MembershipFigures, 'repeated' | 'disagreeing' | 'chaosAudienceWrong'> & {
    repeated: number;
    disagreeing: number;
    chaosAudienceWrong: number;
  };
  deadLetters: DeadLetter[];
  /** Accepted events missing + membership changes lost or repeated: must be 0. */
  lost: number;
}

export const machine = () => ({
  cpus: availableParallelism(),
  loadAverage: loadavg().map((load) => Math.round(load * 100) / 100),
});

export function printFigures(figures: ChaosFigures): string {
  const { ingest, clicks, faults, events, campaigns, memberships } = figures;
  const refused =
    Object.entries(ingest.refused)
      .map(([why, n]) => `${why} ${n}`)
      .join(', ') || 'none';
  const outcomes = Object.entries(clicks.outcomes)
    .map(([what, n]) => `${what} ${n}`)
    .join(', ');
  const lines = [
    `chaos (${figures.mode}) ${figures.date}, ${figures.machine.cpus} CPUs, load ${figures.machine.loadAverage.join(' ')}, seed ${figures.seed}, ${Math.round(figures.durationMs / 1000)} s`,
    `events sent ${ingest.sent}, accepted ${ingest.accepted} (${ingest.requests} POSTs; refused: ${refused})`,
    `events in their profile: ${events.checked - events.lost} of ${events.checked}, lost ${events.lost}, duplicated ${events.duplicated} (all in ${events.settledMs} ms after the load)`,
    `step-3 clicks ${clicks.clicks}: ${outcomes}${clicks.internal.map((details) => `\n  INTERNAL: ${details}`).join('')}${clicks.unanswered.map((what) => `\n  no answer within 30 s: ${what}`).join('')}`,
    `campaigns ${campaigns.count} agree on their last epoch in every service; personas.cleared ${campaigns.personasCleared}, segments.generated ${campaigns.segmentsGenerated}, segments.cleared ${campaigns.segmentsCleared}, none twice`,
    `membership changes ${memberships.changes} in ${memberships.audiences} audiences: repeated ${memberships.repeated}, disagreeing with members ${memberships.disagreeing}, chaos audience wrong ${memberships.chaosAudienceWrong}`,
    `dead letters ${figures.deadLetters.length}${figures.deadLetters.map((d) => `\n  ${d.consumer} ${d.subject}: ${d.reason} ${d.error}`).join('')}`,
    `kills and restarts ${faults.length}:`,
    ...faults.map(
      (f) =>
        `  ${f.fault.padEnd(28)} recovered in ${String(f.recoveryMs).padStart(6)} ms (${f.recoveredWhen})`,
    ),
    `lost ${figures.lost}`,
  ];
  return lines.join('\n');
}

export function writeFigures(path: string, figures: ChaosFigures): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(figures, null, 2)}\n`);
}
