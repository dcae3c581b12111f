import { describe, expect, it } from 'vitest';
import { generatePopulation, type Person, type PopulationOptions } from './population.js';
import { PLANTED_SEGMENTS } from './segments.js';

const now = new Date('2025-06-01T00:00:00Z');
const people = (options: Partial<PopulationOptions> & { size: number }): Person[] => [
  ...generatePopulation({ seed: 42, now, ...options }),
];

function shares(population: Person[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const person of population) counts.set(person.segmentId, (counts.get(person.segmentId) ?? 0) + 1);
  return new Map([...counts].map(([id, count]) => [id, count / population.length]));
}

describe('generatePopulation', () => {
  it('gives identical people for the same seed and options', () => {
    expect(people({ size: 200 })).toEqual(people({ size: 200 }));
  });

  it('gives different people for a different seed', () => {
    const [first, second] = [people({ size: 50 }), people({ seed: 43, size: 50 })];
    const same = first.filter((person, index) => person.traits.city === second[index]?.traits.city);
    expect(same.length).toBeLessThan(25);
    expect(first.map((person) => person.identifiers.anonymousId)).not.toEqual(
      second.map((person) => person.identifiers.anonymousId),
    );
  });

  it('shares people between segments in proportion to the weights', () => {
    const weights = {
      'urban-runners': 4,
      'sunny-retirees': 3,
      'budget-families': 2,
      'tech-professionals': 1,
    };
    const observed = shares(people({ size: 5_000, historyDays: 7, segmentWeights: weights }));
    for (const [id, weight] of Object.entries(weights)) {
      expect(Math.abs((observed.get(id) ?? 0) - weight / 10)).toBeLessThan(0.025);
    }
  });

  it('shares people equally by default and leaves out segments not listed in the weights', () => {
    const equal = shares(people({ size: 4_000, historyDays: 7 }));
    for (const segment of PLANTED_SEGMENTS) expect(equal.get(segment.id)).toBeCloseTo(0.25, 1);
    const two = shares(
      people({ size: 500, historyDays: 7, segmentWeights: { 'urban-runners': 1, 'tech-professionals': 1 } }),
    );
    expect([...two.keys()].sort()).toEqual(['tech-professionals', 'urban-runners']);
  });

  it('keeps every event within the history window, oldest first', () => {
    const windowStart = now.getTime() - 30 * 86_400_000;
    for (const person of people({ size: 300, historyDays: 30 })) {
      const times = person.events.map((event) => event.timestamp.getTime());
      expect(times.length).toBeGreaterThan(0);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(Math.min(...times)).toBeGreaterThanOrEqual(windowStart);
      expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime());
    }
  });

  it('gives every person their own ids, email and phone', () => {
    const population = people({ size: 3_000, historyDays: 7 });
    for (const key of ['userId', 'anonymousId', 'email', 'phone'] as const) {
      const values = population.flatMap((person) => person.identifiers[key] ?? []);
      expect(new Set(values).size).toBe(values.length);
    }
  });

  it('leaves some traits and identifiers missing, as real data does', () => {
    const population = people({ size: 4_000, historyDays: 7 });
    const missing = (has: (person: Person) => boolean) =>
      population.filter((person) => !has(person)).length / population.length;
    expect(missing((person) => person.traits.incomeBand !== undefined)).toBeCloseTo(0.05, 1);
    expect(missing((person) => person.identifiers.phone !== undefined)).toBeCloseTo(0.1, 1);
    expect(missing((person) => person.traits.age !== undefined)).toBeGreaterThan(0);
  });

  it('produces people lazily, so even a huge population starts at once', () => {
    const iterator = generatePopulation({ seed: 1, size: 100_000_000, now });
    expect(iterator.next().value?.id).toBeDefined();
  });

  it('streams 100k people in bounded memory', { timeout: 300_000 }, () => {
    const baseline = process.memoryUsage().heapUsed;
    let peak = 0;
    let count = 0;
    for (const person of generatePopulation({ seed: 9, size: 100_000, now })) {
      count += person.events.length > 0 ? 1 : 0;
      if (count % 5_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed - baseline);
    }
    expect(count).toBe(100_000);
    // Holding them all would take gigabytes; streaming stays within what garbage waits for collection.
    expect(peak).toBeLessThan(400 * 1024 * 1024);
  });

  it('checks its options on the call', () => {
    const call = (options: Partial<PopulationOptions>) => () =>
      generatePopulation({ seed: 1, size: 10, now, ...options });
    expect(call({ seed: -1 })).toThrow(RangeError);
    expect(call({ size: 1.5 })).toThrow(RangeError);
    expect(call({ historyDays: 0 })).toThrow(RangeError);
    expect(call({ now: new Date(Number.NaN) })).toThrow(RangeError);
    expect(call({ noiseRate: 2 })).toThrow(RangeError);
    expect(call({ segmentWeights: { 'urban-runners': 0 } })).toThrow(RangeError);
    expect(call({ segmentWeights: { nobody: 1 } as never })).toThrow(RangeError);
  });
});
