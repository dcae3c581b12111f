import { listItems, readLevel, readNumber, type TraitKind } from './trait-values.js';

/** Gathers what a trait's features need from its values, one profile at a time. */
export interface Collector {
  add(value: unknown, row: number): void;
}

/** The present numbers of a numeric trait. */
export class NumberCollector implements Collector {
  #values = new Float64Array(1024);
  #count = 0;

  add(value: unknown): void {
    const number = readNumber(value);
    if (number === undefined) return;
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count++] = number;
  }

  get values(): Float64Array {
    return this.#values.subarray(0, this.#count);
  }
}

/** How many profiles hold each level of a single-valued trait. */
export class LevelCollector implements Collector {
  readonly counts = new Map<string, number>();
  present = 0;

  add(value: unknown): void {
    const level = readLevel(value);
    if (level === undefined) return;
    this.counts.set(level, (this.counts.get(level) ?? 0) + 1);
    this.present++;
  }
}

/** How many profiles hold each value of a list trait; a value listed twice by one profile counts once. */
export class ListCollector implements Collector {
  readonly #holders = new Map<string, { count: number; lastRow: number }>();

  add(value: unknown, row: number): void {
    for (const item of listItems(value)) {
      const level = readLevel(item);
      if (level === undefined) continue;
      const holder = this.#holders.get(level);
      if (holder === undefined) this.#holders.set(level, { count: 1, lastRow: row });
      else if (holder.lastRow !== row) {
        holder.count++;
        holder.lastRow = row;
      }
    }
  }

  get counts(): Map<string, number> {
    return new Map([...this.#holders].map(([level, { count }]) => [level, count]));
  }
}

export type TraitCollector = NumberCollector | LevelCollector | ListCollector;

export function collectorFor(kind: TraitKind): TraitCollector {
  if (kind === 'numeric') return new NumberCollector();
  return kind === 'list' ? new ListCollector() : new LevelCollector();
}
