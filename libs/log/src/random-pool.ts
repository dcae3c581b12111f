import { randomFillSync } from 'node:crypto';

/**
 * Random bytes drawn 4 KB at a time: `crypto.randomBytes` costs ≈ 20 µs a call, and ids are
 * made per request and per event (span ids, event and profile ids) by the thousand a second.
 */
const pool = new Uint8Array(4096);
let drawn = pool.length;

/** `size` (≤ 4,096) fresh random bytes; a view into the pool, valid until the next call. */
export function pooledRandomBytes(size: number): Uint8Array {
  if (drawn + size > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += size;
  return pool.subarray(drawn - size, drawn);
}
