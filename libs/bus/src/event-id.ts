import { pooledRandomBytes } from '@prism/log';
import { v7 } from 'uuid';

/** uuid's v7 state kept here: ids of one millisecond count up from a random start. */
const state = { msecs: Number.NEGATIVE_INFINITY, seq: 0 };

/**
 * A UUIDv7 as uuid's `v7()` makes it (time-ordered, increasing within a process), from pooled
 * randomness: event and profile ids are made by the hundred thousand when a space is imported.
 */
export function uuidv7(): string {
  // uuid's own v7 asks WebCrypto for 16 bytes per id (≈ 10 µs each).
  const random = pooledRandomBytes(16);
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
