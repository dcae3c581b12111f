import { describe, expect, it } from 'vitest';
import { robustScale, STANDARDISED_LIMIT, standardised } from './numeric-scale.js';

describe('robust standardisation', () => {
  it('centres on the median and scales by the IQR, so one big spender moves neither', () => {
    const typical = Float64Array.from([10, 20, 30, 40, 50]);
    const withOutlier = Float64Array.from([10, 20, 30, 40, 50_000]);
    expect(robustScale(withOutlier)).toEqual(robustScale(typical));
    expect(robustScale(typical)).toEqual({ center: 30, scale: 20 / 1.349 });
  });

  it('falls back on the standard deviation for sparse counts whose IQR is zero', () => {
    const scale = robustScale(Float64Array.from([0, 0, 0, 0, 0, 0, 0, 4]));
    expect(scale?.center).toBe(0);
    expect(scale?.scale).toBeCloseTo(Math.sqrt(1.75));
  });

  it('gives nothing for a trait that never varies', () => {
    expect(robustScale(Float64Array.from([7, 7, 7]))).toBeUndefined();
    expect(robustScale(new Float64Array())).toBeUndefined();
  });

  it('puts a missing value at the center and caps extremes', () => {
    expect(standardised(undefined, 30, 10)).toBe(0);
    expect(standardised(45, 30, 10)).toBe(1.5);
    expect(standardised(5_000, 30, 10)).toBe(STANDARDISED_LIMIT);
    expect(standardised(-5_000, 30, 10)).toBe(-STANDARDISED_LIMIT);
  });
});
