import { beforeAll, describe, expect, it } from 'vitest';
import { toEur } from './geography.js';
import { generatePopulation, type Person } from './population.js';
import { PLANTED_SEGMENTS, type PlantedSegment } from './segments.js';

let population: Person[] = [];

beforeAll(() => {
  population = [...generatePopulation({ seed: 2024, size: 8_000, now: new Date('2025-06-01T00:00:00Z') })];
});

const membersOf = (segment: PlantedSegment) => population.filter((person) => person.segmentId === segment.id);

/** How much more often members of the segment have the trait than people overall. */
function lift(segment: PlantedSegment, has: (person: Person) => boolean): number {
  const share = (people: Person[]) => people.filter(has).length / people.length;
  return share(membersOf(segment)) / share(population);
}

function mean(people: Person[], measure: (person: Person) => number): number {
  return people.reduce((sum, person) => sum + measure(person), 0) / people.length;
}

const orders = (person: Person) => person.events.filter((event) => event.name === 'Order Completed');
const orderValueEur = (person: Person) =>
  orders(person).reduce((sum, order) => sum + toEur(order.total, order.currency), 0) /
  Math.max(1, orders(person).length);

describe.each(PLANTED_SEGMENTS.map((segment): [string, PlantedSegment] => [segment.id, segment]))(
  'planted segment %s',
  (_, segment) => {
    const { traits, behaviour } = segment;

    it('over-represents each of its interests', () => {
      for (const interest of traits.interests) {
        expect(
          lift(segment, (person) => person.traits.interests.includes(interest)),
          interest,
        ).toBeGreaterThanOrEqual(2);
      }
    });

    it('over-represents its values, income bands and occupations', () => {
      const inList = <T>(list: readonly T[], value: T | undefined) =>
        value !== undefined && list.includes(value);
      expect(
        lift(segment, (person) => person.traits.values.some((value) => inList(traits.values, value))),
      ).toBeGreaterThanOrEqual(1.5);
      const bands = Object.keys(traits.incomeBands);
      expect(lift(segment, (person) => inList(bands, person.traits.incomeBand))).toBeGreaterThanOrEqual(1.5);
      expect(
        lift(segment, (person) => inList(traits.occupations, person.traits.occupation)),
      ).toBeGreaterThanOrEqual(2);
    });

    it('over-represents its countries', () => {
      expect(
        lift(segment, (person) => traits.countries.includes(person.traits.country)),
      ).toBeGreaterThanOrEqual(2);
    });

    it('keeps most members in its age range, which other segments may share', () => {
      const [youngest, oldest] = traits.age;
      const aged = membersOf(segment).flatMap((person) => person.traits.age ?? []);
      expect(aged.filter((age) => age >= youngest && age <= oldest).length / aged.length).toBeGreaterThan(
        0.8,
      );
    });

    it('keeps noise: some members have a feature from outside the segment', () => {
      const members = membersOf(segment);
      const abroad =
        members.filter((person) => !traits.countries.includes(person.traits.country)).length / members.length;
      expect(abroad).toBeGreaterThan(0.04);
      expect(abroad).toBeLessThan(0.2);
    });

    it('looks mostly at products of its own categories', () => {
      const own = (person: Person) =>
        person.events.filter(
          (event) => event.name === 'Product Viewed' && behaviour.categories.includes(event.product.category),
        ).length / Math.max(1, person.events.filter((event) => event.name === 'Product Viewed').length);
      expect(mean(membersOf(segment), own)).toBeGreaterThan(0.75);
    });
  },
);

describe('planted behaviour', () => {
  const segment = (id: string) => PLANTED_SEGMENTS.find((candidate) => candidate.id === id) as PlantedSegment;

  it('makes budget families order most often and retirees visit least', () => {
    const orderCounts = PLANTED_SEGMENTS.map((planted) =>
      mean(membersOf(planted), (person) => orders(person).length),
    );
    expect(Math.max(...orderCounts)).toBe(
      mean(membersOf(segment('budget-families')), (person) => orders(person).length),
    );
    expect(lift(segment('budget-families'), (person) => orders(person).length >= 8)).toBeGreaterThanOrEqual(
      2,
    );
    const visits = (person: Person) => person.events.filter((event) => event.name === 'Page Viewed').length;
    expect(mean(membersOf(segment('sunny-retirees')), visits)).toBeLessThan(mean(population, visits) / 2);
  });

  it('makes tech professionals and retirees spend the most per order', () => {
    const byValue = [...PLANTED_SEGMENTS].sort(
      (a, b) => mean(membersOf(b), orderValueEur) - mean(membersOf(a), orderValueEur),
    );
    expect(
      byValue
        .slice(0, 2)
        .map((planted) => planted.id)
        .sort(),
    ).toEqual(['sunny-retirees', 'tech-professionals']);
  });
});
