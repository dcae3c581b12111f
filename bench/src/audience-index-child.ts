import { cpus, loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import type { Rule } from '@prism/rules';
import { evaluateRule } from '../../services/audience-sync/src/index/bulk-evaluator.js';
import { ProfileIndex } from '../../services/audience-sync/src/index/profile-index.js';
import {
  COUNTED_RULE,
  generateProfiles,
  HAS_ORDERED,
  type IndexedProfile,
  liveAudiences,
  trait,
} from './audience-index-data.js';
import { checkAgainstBulk, evaluateAudiences, timeSingleChanges } from './audience-index-incremental.js';
import { compareBitmapLibraries, countByMingo, countByRules, timeRuns } from './audience-index-peers.js';
import { row } from './audiences-anchors.js';

/**
 * The in-memory part of the index benchmark, in a process of its own (forked by
 * audience-index.ts with --expose-gc and a large heap), so that its memory is measured alone and
 * a million profiles leave with it: the population, the index built from it, counts by the index,
 * by mingo and by matchesRule, the bitmap libraries, and live evaluation of single changes.
 */

const PROFILES = Number(process.env.BENCH_INDEX_PROFILES ?? 1_000_000);
const COUNT_RUNS = 21;
const MINGO_RUNS = 3;
const LIVE_AUDIENCES = 100;
const CHANGES = 20_000;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
const perProfile = (bytes: number) => `${(bytes / PROFILES).toFixed(0)} B/profile`;

/** Heap and off-heap (typed arrays, native) bytes after full collections; RSS beside them. */
function settledMemory() {
  if (!global.gc) throw new Error('run with --expose-gc: memory is measured after full collections');
  global.gc();
  global.gc();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heap: heapUsed, external, rss };
}

const growth = (before: ReturnType<typeof settledMemory>, after: ReturnType<typeof settledMemory>) => ({
  heap: after.heap - before.heap,
  external: after.external - before.external,
  rss: after.rss - before.rss,
});

function loadPopulation() {
  const before = settledMemory();
  const { profiles, generationMs } = generateProfiles(PROFILES);
  const objects = growth(before, settledMemory());
  row(
    `population: ${PROFILES} profiles generated`,
    `${(generationMs / 1000).toFixed(1)} s`,
    `${((generationMs * 1000) / PROFILES).toFixed(0)} µs/profile; as JS objects ${mb(objects.heap)} heap = ${perProfile(objects.heap)}`,
  );
  return { profiles, generationMs, objectBytes: objects.heap };
}

/** Milliseconds of garbage collection that started between `from` and `to` (performance.now()). */
function collectingGc() {
  const pauses: { startTime: number; duration: number }[] = [];
  const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return async (from: number, to: number) => {
    // Entries arrive on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    return pauses
      .filter(({ startTime }) => startTime >= from && startTime < to)
      .reduce((total, { duration }) => total + duration, 0);
  };
}

async function buildIndex(profiles: readonly IndexedProfile[]) {
  const before = settledMemory();
  const gcBetween = collectingGc();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const index = new ProfileIndex();
  for (const { id, traits } of profiles) index.upsert(id, traits);
  const ended = performance.now();
  const { user, system } = process.cpuUsage(cpu);
  const buildMs = ended - started;
  const gcMs = await gcBetween(started, ended);
  const memory = growth(before, settledMemory());
  row(
    'index: built from the in-memory profiles',
    seconds(buildMs),
    `${index.size} rows; CPU ${seconds((user + system) / 1000)}, garbage collection ${seconds(gcMs)} of it (the heap holds the profiles too)`,
  );
  row(
    'index: memory (after full GCs)',
    perProfile(memory.heap + memory.external),
    `heap ${mb(memory.heap)} + off-heap ${mb(memory.external)}; RSS changed by ${mb(memory.rss)} (the full GCs also return the generation's garbage)`,
  );
  return { index, buildMs, gcMs, memory };
}

function countOnce(index: ProfileIndex, profiles: readonly IndexedProfile[]) {
  const bulk = timeRuns(
    COUNT_RUNS,
    3,
    () => evaluateRule(COUNTED_RULE, index, (key) => index.members(key)).size,
  );
  const reference = countByRules(COUNTED_RULE, profiles);
  const mingo = countByMingo(COUNTED_RULE, profiles, MINGO_RUNS);
  const counts = { index: bulk.result, mingo: mingo.result, matchesRule: reference.result };
  if (new Set(Object.values(counts)).size !== 1)
    throw new Error(`the counts disagree: ${JSON.stringify(counts)}`);
  row(
    'count, index (bulk evaluator)',
    `${bulk.p50.toFixed(1)} ms`,
    `p50 of ${COUNT_RUNS} after 3 warm-ups, p99 ${bulk.p99.toFixed(1)} ms, CPU p50 ${bulk.cpu.p50.toFixed(1)} ms; ${bulk.result} profiles (${((bulk.result / PROFILES) * 100).toFixed(1)} %)`,
  );
  row(
    'count, mingo 7.2.7 Query.test per profile',
    `${mingo.p50.toFixed(0)} ms`,
    `p50 of ${MINGO_RUNS} after a warm-up, CPU p50 ${mingo.cpu.p50.toFixed(0)} ms; same count`,
  );
  row(
    'count, matchesRule per profile (reference)',
    `${reference.p50.toFixed(0)} ms`,
    `one run, CPU ${reference.cpu.p50.toFixed(0)} ms; same count`,
  );
  return { bulk, mingo, reference };
}

/** Two real sets of rows of the universe: the working-age profiles, and those who have ordered. */
function bitmapRows(index: ProfileIndex) {
  const rowsOf = (rule: Rule) => evaluateRule(rule, index, () => undefined).toUint32Array();
  const workingAge: Rule = { all: [trait('age', 'greater_or_equal', 25), trait('age', 'less_than', 55)] };
  return [rowsOf(workingAge), rowsOf({ event: HAS_ORDERED })] as const;
}

async function run() {
  console.log(`Audiences: the in-memory index of audience-sync over ${PROFILES} profiles (forked process)`);
  const { profiles, generationMs, objectBytes } = loadPopulation();
  const { index, buildMs, memory } = await buildIndex(profiles);
  const counts = countOnce(index, profiles);
  const bitmaps = await compareBitmapLibraries(...bitmapRows(index));
  for (const library of bitmaps)
    row(
      `bitmaps: ${library.name}`,
      `${library.p50.toFixed(1)} ms`,
      `p50 of 15 (CPU ${library.cpu.p50.toFixed(1)} ms): 2 sets of ${PROFILES} rows built from row arrays, and/or/andNot, sizes`,
    );
  const audiences = liveAudiences(LIVE_AUDIENCES);
  const bulkMs = evaluateAudiences(index, audiences);
  row(`live: ${audiences.length} audiences evaluated in bulk`, `${(bulkMs / 1000).toFixed(2)} s`);
  const changes = timeSingleChanges(index, profiles, audiences, CHANGES);
  checkAgainstBulk(index, audiences);
  row(
    `live: ${CHANGES} single-profile changes`,
    `${changes.p99.toFixed(3)} ms`,
    `p99 (p50 ${changes.p50.toFixed(3)}, max ${changes.max.toFixed(1)} ms): upsert + matchesRow × ${audiences.length}`,
  );
  row(
    '  the same changes in CPU time',
    `${changes.cpu.p99.toFixed(3)} ms`,
    `p99 (p50 ${changes.cpu.p50.toFixed(3)} ms; load average ${loadavg()[0]?.toFixed(1)} on ${cpus().length} cores); ${changes.flips} memberships flipped, as a bulk evaluation finds after`,
  );
  return {
    profiles: profiles.length,
    generationMs,
    objectBytes,
    buildMs,
    memory,
    counts,
    bitmaps,
    bulkMs,
    changes,
  };
}

export type IndexRun = Awaited<ReturnType<typeof run>>;

// One reply, then the channel closes and the process ends.
const reply = (message: object) => process.send?.(message, () => process.disconnect());
run().then(
  (result) => reply({ ok: true, result }),
  (error: Error) => reply({ ok: false, error: error.stack ?? error.message }),
);
