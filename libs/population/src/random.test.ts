import { describe, expect, it } from 'vitest';
import { Random } from './random.js';

function draws(random: Random, count: number): number[] {
  return Array.from({ length: count }, () => random.float());
}

describe('Random', () => {
  it('repeats its sequence for the same seed', () => {
    expect(draws(new Random(7), 50)).toEqual(draws(new Random(7), 50));
  });

  it('gives unrelated sequences for neighbouring seeds', () => {
    const [first, second] = [draws(new Random(1), 50), draws(new Random(2), 50)];
    expect(first.filter((value, index) => Math.abs(value - (second[index] ?? 0)) < 0.01).length).toBeLessThan(
      5,
    );
  });

  it('draws integers over the whole inclusive range', () => {
    const random = new Random(3);
    const seen = new Set(Array.from({ length: 500 }, () => random.int(2, 6)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  it('picks outcomes in proportion to their weights and never a zero-weight one', () => {
    const random = new Random(4);
    const counts = { often: 0, rarely: 0, never: 0 };
    for (let i = 0; i < 20_000; i++) counts[random.weightedPick({ often: 3, rarely: 1, never: 0 })]++;
    expect(counts.never).toBe(0);
    expect(counts.often / 20_000).toBeCloseTo(0.75, 1);
  });

  it('draws normals with the requested mean and spread', () => {
    const random = new Random(5);
    const values = Array.from({ length: 20_000 }, () => random.normal(10, 2));
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
    expect(mean).toBeCloseTo(10, 1);
    expect(Math.sqrt(variance)).toBeCloseTo(2, 1);
  });

  it('counts Poisson events averaging the mean, for small and large means', () => {
    const random = new Random(6);
    for (const mean of [3, 120]) {
      const total = Array.from({ length: 5_000 }, () => random.poisson(mean)).reduce((sum, n) => sum + n, 0);
      expect(total / 5_000 / mean).toBeCloseTo(1, 1);
    }
  });

  it('makes version-4 UUIDs', () => {
    const random = new Random(9);
    for (let i = 0; i < 100; i++) {
      expect(random.uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('refuses a seed that is not an integer', () => {
    expect(() => new Random(1.5)).toThrow(RangeError);
  });
});
