import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

/** Random bytes drawn 4 KB at a time: uuid's own v7 asks WebCrypto for 16 bytes per id (≈ 10 µs each). */
const pool = new Uint8Array(4096);
let drawn = pool.length;
/** uuid's v7 state kept here: ids of one millisecond count up from a random start. */
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

function randomBytes(): Uint8Array {
  if (drawn + 16 > pool.length) {
    randomFillSync(pool);
    drawn = 0;
  }
  drawn += 16;
  return pool.subarray(drawn - 16, drawn);
}

/**
 * A UUIDv7 as uuid's `v7()` makes it (time-ordered, increasing within a process), from pooled
 * randomness: event and profile ids are made by the hundred thousand when a space is imported.
 */
export function uuidv7(): string {
  const random = randomBytes();
  const now = Date.now();
  if (now > state.msecs) {
    state.msecs = now;
    state.seq =
      ((random[6] as number) & 0x7f) * 2 ** 24 +
      ((random[7] as number) << 16) +
      ((random[8] as number) << 8) +
      (random[9] as number);
  } else {
    state.seq = (state.seq + 1) | 0;
    if (state.seq === 0) state.msecs++;
  }
  return v7({ random, msecs: state.msecs, seq: state.seq });
}
