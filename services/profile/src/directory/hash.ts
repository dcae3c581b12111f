/**
 * A 64-bit FNV-1a of a string's UTF-16 code units, as two unsigned 32-bit halves: what the
 * resident indexes key on instead of the strings themselves (a few bytes a key instead of a
 * string object). Not cryptographic: a collision is possible, so every holder of these keys
 * checks a hit against the stored identifiers before acting on it.
 */
export function hash64(text: string): [hi: number, lo: number] {
  // Two 32-bit FNV-1a lanes with different offsets: cheaper in JS than 64-bit multiplication.
  let hi = 0x811c9dc5;
  let lo = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    hi = Math.imul(hi ^ code, 0x01000193);
    lo = Math.imul(lo ^ code, 0x01000193) ^ (hi >>> 15);
  }
  return [hi >>> 0, lo >>> 0];
}

/** The same hash as one exact JavaScript number (53 bits): compact to store in a list. */
export function digest53(text: string): number {
  const [hi, lo] = hash64(text);
  return (hi & 0x1fffff) * 2 ** 32 + lo;
}
