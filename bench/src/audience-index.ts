import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { countFromTraits } from '@prism/audience-sync/domain/event-traits.js';
import type { Infrastructure } from '@prism/infra';
import { matchesRule } from '@prism/rules';
import type { IndexRun } from './audience-index-child.js';
import { COUNTED_RULE, type IndexedProfile } from './audience-index-data.js';
import { benchProfileExport } from './audience-index-export.js';
import { row } from './audiences-anchors.js';
import type { Figure, Figures } from './report.js';
import { perSecond } from './stats.js';

// The profile service creates a few hundred profiles a second: 20,000 take about a minute.
const EXPORT_PROFILES = Number(process.env.BENCH_INDEX_EXPORT_PROFILES ?? 20_000);
const HEAP_MB = 8_192;
const MILLION = 1_000_000;

/**
 * audience-sync's in-memory columnar index at a million profiles: an exact count of a
 * 10-condition rule (against mingo and matchesRule), the index's memory and build time, the
 * read of profiles from the profile service's export (a smaller space: importing is slow), and
 * live evaluation of single-profile changes for 100 audiences.
 */
export async function benchAudienceIndex(infra: Infrastructure): Promise<Figures> {
  console.log(`Audiences: reading a space for the index — ExportProfiles of ${EXPORT_PROFILES} profiles`);
  const exported = await benchProfileExport(infra, EXPORT_PROFILES);
  const exportRate = perSecond(exported.people, exported.exportMs);
  const importRate = perSecond(exported.people, exported.importMs);
  row(
    'import: identify + orders, first POST → applied',
    `${(exported.importMs / 1000).toFixed(1)} s`,
    `${importRate} profiles/s; ${exported.importRetries} bodies retried; service log: ${exported.logs}`,
  );
  row(
    'export read (ExportProfiles, traits parsed)',
    `${exportRate} /s`,
    `p50 of 3 reads: ${exported.exportMs.toFixed(0)} ms; the service holds ${exported.cachedProfiles} profiles in memory (PROFILE_CACHE_PROFILES), reads the rest from the store`,
  );
  row('  1M profiles at that rate (EXTRAPOLATED)', `${(MILLION / exportRate).toFixed(1)} s`, 'not measured');
  checkExport(exported.exported, exported.expected);
  console.log('');
  const run = await runIndexProcess();
  const figures = figuresOf(run, { exportRate, importRate });
  console.log('');
  for (const [name, figure] of Object.entries(figures)) printFigure(name, figure);
  console.log('');
  return figures;
}

/** Whether the export holds the generated profiles: as many, and the rule counts the same. */
function checkExport(exported: IndexedProfile[], expected: IndexedProfile[]) {
  const count = (profiles: IndexedProfile[]) =>
    profiles.filter(({ traits }) =>
      matchesRule(COUNTED_RULE, { traits, countEvents: (condition) => countFromTraits(traits, condition) }),
    ).length;
  const [read, made] = [count(exported), count(expected)];
  const same = exported.length === expected.length && read === made;
  row(
    '  exported = generated profiles',
    same ? 'yes' : 'NO',
    `${exported.length} exported of ${expected.length}; the rule counts ${read} exported, ${made} generated`,
  );
}

/** The in-memory part in its own process (audience-index-child.ts), with --expose-gc and a large heap. */
function runIndexProcess(): Promise<IndexRun> {
  const child = fork(fileURLToPath(new URL('./audience-index-child.ts', import.meta.url)), [], {
    execArgv: [
      ...['--import', 'tsx', '--expose-gc', `--max-old-space-size=${HEAP_MB}`],
      ...(process.env.BENCH_INDEX_NODE_ARGS?.split(' ') ?? []),
    ],
    stdio: 'inherit',
  });
  return new Promise((resolve, reject) => {
    child.once('message', (reply: { ok: boolean; result?: IndexRun; error?: string }) => {
      if (reply.ok) resolve(reply.result as IndexRun);
      else reject(new Error(`the index benchmark failed: ${reply.error}`));
    });
    child.once('exit', (code) => reject(new Error(`the index benchmark process exited (${code})`)));
  });
}

function figuresOf(run: IndexRun, reads: { exportRate: number; importRate: number }): Figures {
  const { counts, memory, changes } = run;
  const mingo = { name: 'mingo 7.2.7 Query.test per profile, same rule and profiles', unit: 'ms' };
  return {
    'audiences.count_1m_ms': {
      value: counts.bulk.p50,
      unit: 'ms',
      goal: 100,
      peer: { ...mingo, value: counts.mingo.p50 },
    },
    'audiences.count_speedup_vs_mingo': {
      value: counts.mingo.p50 / counts.bulk.p50,
      unit: '×',
      goal: 20,
      peer: { ...mingo, value: counts.mingo.p50 },
    },
    'audiences.index_bytes_per_profile': {
      value: (memory.heap + memory.external) / run.profiles,
      unit: 'B/profile',
      goal: 300,
      peer: {
        name: 'the same profiles as JS objects (heap)',
        value: run.objectBytes / run.profiles,
        unit: 'B/profile',
      },
    },
    'audiences.index_build_1m_ms': {
      value: run.buildMs,
      unit: 'ms',
      goal: 10_000,
      peer: {
        name: `ExportProfiles read of 1M profiles, extrapolated from ${EXPORT_PROFILES}`,
        value: (MILLION / reads.exportRate) * 1000,
        unit: 'ms',
      },
    },
    'audiences.export_read_profiles_per_s': {
      value: reads.exportRate,
      unit: 'profiles/s',
      peer: {
        name: 'import into the profile service, same run',
        value: reads.importRate,
        unit: 'profiles/s',
      },
    },
    'audiences.incremental_p99_ms': {
      value: changes.p99,
      unit: 'ms',
      goal: 1,
      peer: {
        name: `${run.profiles} profiles re-evaluated in bulk for 100 audiences`,
        value: run.bulkMs,
        unit: 'ms',
      },
    },
  };
}

/** Goals are met at most (times, bytes) or at least (speedups). */
const AT_LEAST = new Set(['×', 'profiles/s']);

function printFigure(name: string, { value, unit, goal, peer }: Figure) {
  const atLeast = AT_LEAST.has(unit);
  const met = goal === undefined ? '' : (atLeast ? value >= goal : value <= goal) ? 'met' : 'MISSED';
  const goalText = goal === undefined ? '' : `goal ${atLeast ? '≥' : '≤'} ${goal} ${unit}: ${met}; `;
  const peerText = peer ? `peer: ${peer.name} ${round(peer.value)} ${peer.unit}` : '';
  row(name, `${round(value)} ${unit}`, `${goalText}${peerText}`);
}

const round = (value: number) => (value >= 100 ? Math.round(value) : Number(value.toPrecision(3)));
