import { countFromTraits } from '@prism/audience-sync/domain/event-traits.js';
import { matchesRule, type Rule } from '@prism/rules';
import { Query } from 'mingo';
import { roaringLibraryInitialize, RoaringBitmap32 as WasmBitmap } from 'roaring-wasm';
// The index's own roaring (built from source by audience-sync's install).
import { RoaringBitmap32 as NativeBitmap } from '../../services/audience-sync/src/index/trait-column.js';
import type { IndexedProfile } from './audience-index-data.js';
import { mongoQueryOf } from './audience-index-query.js';
import { summarize } from './stats.js';

/**
 * Milliseconds of each of `runs` calls after `warmUps` untimed ones, in wall and CPU time (the
 * cores may be shared: a wall time far above the CPU time waited for one), and the last result.
 */
export function timeRuns<T>(runs: number, warmUps: number, work: () => T) {
  for (let warm = 0; warm < warmUps; warm++) work();
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  let result = undefined as T;
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    result = work();
    wallMs.push(performance.now() - started);
    const { user, system } = process.cpuUsage(cpu);
    cpuMs.push((user + system) / 1000);
  }
  return { result, ...summarize(wallMs), cpu: summarize(cpuMs) };
}

/** The reference: `matchesRule` on each profile, its event counts read from its computed traits. */
export const countByRules = (rule: Rule, profiles: readonly IndexedProfile[]) =>
  timeRuns(1, 0, () => {
    let count = 0;
    for (const { traits } of profiles)
      if (matchesRule(rule, { traits, countEvents: (condition) => countFromTraits(traits, condition) }))
        count++;
    return count;
  });

/** The per-object peer: the rule as a Mongo query, tested by mingo on each profile's traits. */
export function countByMingo(rule: Rule, profiles: readonly IndexedProfile[], runs: number) {
  const query = new Query(mongoQueryOf(rule), {});
  return timeRuns(runs, 1, () => {
    let count = 0;
    for (const { traits } of profiles) if (query.test(traits)) count++;
    return count;
  });
}

interface BitmapLibrary {
  name: string;
  /** Builds both sets, combines them and answers the cardinalities; frees what it made. */
  combine(a: Uint32Array, b: Uint32Array): number[];
}

const native: BitmapLibrary = {
  name: 'roaring 2.7.0 (native)',
  combine(a, b) {
    const [left, right] = [new NativeBitmap(a), new NativeBitmap(b)];
    const results = [
      NativeBitmap.and(left, right),
      NativeBitmap.or(left, right),
      NativeBitmap.andNot(left, right),
    ];
    return [left, right, ...results].map((bitmap) => bitmap.size);
  },
};

const wasm: BitmapLibrary = {
  name: 'roaring-wasm 1.1.0',
  combine(a, b) {
    const [left, right] = [new WasmBitmap(a), new WasmBitmap(b)];
    const results = [WasmBitmap.and(left, right), WasmBitmap.or(left, right), WasmBitmap.andNot(left, right)];
    const all = [left, right, ...results];
    const sizes = all.map((bitmap) => bitmap.size);
    // WASM memory is not collected: each bitmap is freed by hand.
    for (const bitmap of all) bitmap.dispose();
    return sizes;
  },
};

/**
 * Why the index uses native roaring: the same work with both libraries, two sets of rows of a
 * 1M-row universe built from row arrays, then and, or, andNot and every cardinality.
 */
export async function compareBitmapLibraries(a: Uint32Array, b: Uint32Array, runs = 15) {
  await roaringLibraryInitialize();
  const timed = [native, wasm].map((library) => ({
    name: library.name,
    ...timeRuns(runs, 3, () => library.combine(a, b)),
  }));
  const [first, second] = timed;
  if (JSON.stringify(first?.result) !== JSON.stringify(second?.result))
    throw new Error(`the bitmap libraries disagree: ${first?.result} vs ${second?.result}`);
  return timed;
}
