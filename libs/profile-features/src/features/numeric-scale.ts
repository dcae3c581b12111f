/**
 * Standardisation of numeric traits. Median and IQR rather than mean and standard deviation:
 * computed traits such as order totals are heavy-tailed, and a few big spenders would drag a
 * mean and inflate a deviation until everyone else sits near zero.
 */

/** IQR / 1.349 estimates the standard deviation of normal data, so a unit means about one σ. */
const IQR_PER_SIGMA = 1.349;

/**
 * Standardised values are capped at this many units: beyond three σ-equivalents a value says
 * "extreme" and nothing more, and an uncapped outlier would dominate the squared distances.
 */
export const STANDARDISED_LIMIT = 3;

/**
 * Center and scale of the present values; the standard deviation stands in when the IQR is
 * zero (sparse counts), and undefined means the trait never varies.
 */
export function robustScale(values: Float64Array): { center: number; scale: number } | undefined {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return undefined;
  const center = quantile(sorted, 0.5);
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const scale = iqr > 0 ? iqr / IQR_PER_SIGMA : standardDeviation(sorted);
  return scale > 0 ? { center, scale } : undefined;
}

/** The value as the matrix holds it: standardised, capped, and 0 (the center) when missing. */
export function standardised(value: number | undefined, center: number, scale: number): number {
  if (value === undefined) return 0;
  const units = (value - center) / scale;
  return Math.max(-STANDARDISED_LIMIT, Math.min(STANDARDISED_LIMIT, units));
}

/** Linear interpolation between closest ranks, as most statistics packages do. */
function quantile(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const lower = sorted[below] ?? 0;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] ?? lower;
  return lower + (upper - lower) * (position - below);
}

function standardDeviation(values: Float64Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  return Math.sqrt(squares / values.length);
}
