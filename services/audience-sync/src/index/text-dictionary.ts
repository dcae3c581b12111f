/** A text cell: a string or a boolean (a Map tells `"true"` from `true`). */
export type TextValue = string | boolean;

/** Below this many values a column always deduplicates: a map of a few thousand is cheap. */
const SMALL_DICTIONARY = 4_096;

/**
 * The values of a column's text cells, each under a code (0 means none). A column of few
 * distinct values (country, plan) shares one code per value. A column of mostly distinct values
 * (email, phone) stops deduplicating once it is clearly so: a map entry per value would cost
 * more than it saves (measured: ~30 bytes a profile per such column at 100k profiles). Codes
 * of values no cell holds any more are dropped by `compact`, which renumbers (`generation`).
 */
export class TextDictionary {
  values: TextValue[] = [false];
  private codeOf: Map<TextValue, number> | undefined = new Map();
  /** Raised by every renumbering: what was compiled against the old codes is stale. */
  generation = 0;

  get size(): number {
    return this.values.length;
  }

  get deduplicating(): boolean {
    return this.codeOf !== undefined;
  }

  encode(value: TextValue): number {
    const known = this.codeOf?.get(value);
    if (known !== undefined) return known;
    const code = this.values.length;
    this.values.push(value);
    this.codeOf?.set(value, code);
    return code;
  }

  /** Stops deduplicating when most of the column's text cells hold a value of their own. */
  review(textCells: number): void {
    if (this.codeOf && this.values.length > SMALL_DICTIONARY && 2 * this.values.length > textCells)
      this.codeOf = undefined;
  }

  /** Whether enough codes are unused (values changed since) to renumber. */
  wasteful(textCells: number): boolean {
    return !this.codeOf && this.values.length > 2 * textCells + SMALL_DICTIONARY;
  }

  /** Keeps only the values `codes` still use, renumbered; answers old code → new code. */
  compact(usedCodes: Iterable<number>): Uint32Array {
    const renumbered = new Uint32Array(this.values.length);
    const values: TextValue[] = [false];
    for (const code of usedCodes) {
      if (renumbered[code] !== 0) continue;
      renumbered[code] = values.length;
      values.push(this.values[code] as TextValue);
    }
    this.values = values;
    this.generation += 1;
    return renumbered;
  }
}
