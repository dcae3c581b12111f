import { hash64 } from './hash.js';

const EMPTY = 0;
const REMOVED = -1;
const MAX_LOAD = 0.6;

/**
 * string → small number, held as 64-bit hashes in typed arrays (open addressing, linear
 * probing): 12 bytes a slot and nothing for the garbage collector to trace, where a
 * `Map<string, string>` costs about 100 bytes an entry. A lookup may answer for another key
 * with the same hash; callers confirm against the stored value (see ProfileDirectory).
 */
export class HashIndex {
  private his: Uint32Array;
  private los: Uint32Array;
  /** value + 1; EMPTY and REMOVED mark free slots. */
  private values: Int32Array;
  private used = 0;
  private filled = 0;

  constructor(capacity = 1024) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(16, capacity / MAX_LOAD)));
    this.his = new Uint32Array(slots);
    this.los = new Uint32Array(slots);
    this.values = new Int32Array(slots);
  }

  get(key: string): number | undefined {
    const [hi, lo] = hash64(key);
    const slot = this.find(hi, lo);
    return slot === undefined ? undefined : (this.values[slot] as number) - 1;
  }

  set(key: string, value: number): void {
    const [hi, lo] = hash64(key);
    const slot = this.find(hi, lo);
    if (slot !== undefined) {
      this.values[slot] = value + 1;
      return;
    }
    if ((this.filled + 1) / this.values.length > MAX_LOAD) this.grow();
    this.insert(hi, lo, value + 1);
  }

  delete(key: string): void {
    const [hi, lo] = hash64(key);
    const slot = this.find(hi, lo);
    if (slot === undefined) return;
    this.values[slot] = REMOVED;
    this.used--;
  }

  private find(hi: number, lo: number): number | undefined {
    const mask = this.values.length - 1;
    for (let slot = (lo ^ hi) & mask; ; slot = (slot + 1) & mask) {
      const value = this.values[slot] as number;
      if (value === EMPTY) return undefined;
      if (value !== REMOVED && this.his[slot] === hi && this.los[slot] === lo) return slot;
    }
  }

  private insert(hi: number, lo: number, stored: number): void {
    const mask = this.values.length - 1;
    let slot = (lo ^ hi) & mask;
    while ((this.values[slot] as number) > EMPTY) slot = (slot + 1) & mask;
    if (this.values[slot] === EMPTY) this.filled++;
    this.his[slot] = hi;
    this.los[slot] = lo;
    this.values[slot] = stored;
    this.used++;
  }

  /** Doubles (or only rehashes, when removals left most of the filled slots free). */
  private grow(): void {
    const { his, los, values } = this;
    const slots = this.used * 2 > values.length * MAX_LOAD ? values.length * 2 : values.length;
    this.his = new Uint32Array(slots);
    this.los = new Uint32Array(slots);
    this.values = new Int32Array(slots);
    this.used = 0;
    this.filled = 0;
    for (let slot = 0; slot < values.length; slot++) {
      const stored = values[slot] as number;
      if (stored > EMPTY) this.insert(his[slot] as number, los[slot] as number, stored);
    }
  }
}
