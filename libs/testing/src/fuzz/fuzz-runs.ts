/**
 * Inputs per fuzzed property: `fallback` by default, so the fuzz set stays within about a minute
 * of test time; `PRISM_FUZZ_RUNS` sets more for a longer local run.
 */
export function fuzzRuns(fallback: number): number {
  const configured = Number(process.env.PRISM_FUZZ_RUNS);
  return Number.isInteger(configured) && configured > 0 ? configured : fallback;
}

/**
 * Counts the inputs tried on one surface and prints `fuzz <surface>: N inputs in S s`, the time
 * from the first input (not the services' start) to the print.
 */
export class FuzzTally {
  #inputs = 0;
  #started: number | undefined;

  constructor(readonly surface: string) {}

  tried(count = 1): void {
    this.#started ??= performance.now();
    this.#inputs += count;
  }

  get inputs(): number {
    return this.#inputs;
  }

  print(): void {
    const seconds = ((performance.now() - (this.#started ?? performance.now())) / 1000).toFixed(1);
    console.log(`fuzz ${this.surface}: ${this.#inputs} inputs in ${seconds} s`);
  }
}
