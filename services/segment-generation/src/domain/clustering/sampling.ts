import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Streams of a run's seed, one per purpose, so changing one never shifts another's draws. */
export const STREAMS = { fitSample: 1, silhouetteSample: 2, screeningSample: 3, start: 4 } as const;

/** A source of uniform draws in [0, 1). */
export type Random = () => number;

/** xoroshiro128+ starts near-identically for neighbouring seeds; a few discarded draws decorrelate them. */
const WARM_UP = 32;

/**
 * A generator for one purpose of one run: `seededRandom(seed, STREAMS.start, k, restart)`
 * differs from the next restart's, and each is the same on every call, which keeps a run
 * reproducible whichever k values it tries.
 */
export function seededRandom(seed: number, ...stream: number[]): Random {
  let state = mix(seed);
  for (const part of stream) state = mix(state ^ mix(part + 0x9e3779b9));
  const generator = xoroshiro128plus(state);
  for (let i = 0; i < WARM_UP; i++) generator.next();
  return () => uniformFloat64(generator);
}

/** MurmurHash3's 32-bit finaliser: every input bit moves about half the output bits. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `size` distinct rows of `0..rows−1` by a partial Fisher–Yates shuffle, ascending for locality; all when size ≥ rows. */
export function sampleRows(rows: number, size: number, random: Random): Int32Array {
  const all = new Int32Array(rows);
  for (let row = 0; row < rows; row++) all[row] = row;
  if (size >= rows) return all;
  for (let i = 0; i < size; i++) {
    const j = i + Math.floor(random() * (rows - i));
    const picked = all[j] as number;
    all[j] = all[i] as number;
    all[i] = picked;
  }
  return all.slice(0, size).sort();
}
