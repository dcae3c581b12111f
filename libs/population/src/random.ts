import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** Relative weights by outcome, e.g. `{ urban: 3, rural: 1 }`. */
export type Weights<T extends string> = Readonly<Partial<Record<T, number>>>;

/**
 * xoroshiro128+ seeds its state almost verbatim from the 32-bit seed, so neighbouring seeds
 * start with near-identical outputs; discarding a few outputs decorrelates them.
 */
const WARM_UP = 32;

/** A seeded source of randomness; every draw advances the one underlying generator. */
export class Random {
  readonly #generator: RandomGenerator;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    this.#generator = xoroshiro128plus(seed);
    for (let i = 0; i < WARM_UP; i++) this.#generator.next();
  }

  /** Uniform in [0, 1). */
  float(): number {
    return uniformFloat64(this.#generator);
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return uniformInt(this.#generator, min, max);
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new RangeError('cannot pick from an empty list');
    return item;
  }

  weightedPick<T extends string>(weights: Weights<T>): T {
    const entries = Object.entries(weights) as [T, number][];
    const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
    let remaining = this.float() * total;
    for (const [outcome, weight] of entries) {
      remaining -= weight;
      if (remaining < 0) return outcome;
    }
    // Only reachable through rounding when the draw lands on the total: the last positive outcome.
    const last = entries.findLast(([, weight]) => weight > 0);
    if (last === undefined) throw new RangeError('cannot pick from weights that are all zero');
    return last[0];
  }

  /** Normal draw by the Box–Muller transform. */
  normal(mean: number, standardDeviation: number): number {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - this.float()));
    return mean + standardDeviation * radius * Math.cos(2 * Math.PI * this.float());
  }

  /** Waiting time of a memoryless process with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Count of events of a process averaging `mean` events. */
  poisson(mean: number): number {
    // Knuth's product method is exact but linear in the mean and underflows past ~700.
    if (mean > 40) return Math.max(0, Math.round(this.normal(mean, Math.sqrt(mean))));
    const limit = Math.exp(-mean);
    let count = 0;
    for (let product = this.float(); product >= limit; product *= this.float()) count++;
    return count;
  }

  /** A version-4 UUID. */
  uuid(): string {
    const words = [
      this.#generator.next(),
      this.#generator.next(),
      this.#generator.next(),
      this.#generator.next(),
    ];
    // RFC 9562: version nibble 4 in the second word, variant bits 10 at the top of the third.
    words[1] = ((words[1] ?? 0) & 0xffff0fff) | 0x4000;
    words[2] = ((words[2] ?? 0) & 0x3fffffff) | 0x80000000;
    const hex = words.map((word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
