import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messagesOf } from './messages.js';
import { generatePopulation } from './population.js';
import { ADDRESS_MISSING_RATES, segmentSpecTraitsOf } from './segment-spec.js';

const now = new Date('2025-06-01T12:00:00Z');
const people = [...generatePopulation({ seed: 21, size: 3_000, now, historyDays: 14 })];
const sent = people.map((person) => ({ person, traits: segmentSpecTraitsOf(person, { now }) }));

/** Age in whole years on `day`'s UTC date, as people count it. */
function ageOn(birthday: string, day: Date): number {
  const born = new Date(birthday);
  const before =
    day.getUTCMonth() < born.getUTCMonth() ||
    (day.getUTCMonth() === born.getUTCMonth() && day.getUTCDate() < born.getUTCDate());
  return day.getUTCFullYear() - born.getUTCFullYear() - (before ? 1 : 0);
}

const shareOf = (holds: (traits: Record<string, unknown>) => boolean) =>
  sent.filter(({ traits }) => holds(traits)).length / sent.length;

describe('segmentSpecTraitsOf', () => {
  it("sends Segment's reserved traits, geography nested in address, as plain JSON", () => {
    for (const { person, traits } of sent.slice(0, 200)) {
      expect(JSON.parse(JSON.stringify(traits))).toEqual(traits);
      expect(traits).toMatchObject({
        firstName: person.traits.firstName,
        lastName: person.traits.lastName,
        name: `${person.traits.firstName} ${person.traits.lastName}`,
        title: person.traits.occupation,
        interests: person.traits.interests,
      });
      for (const flat of ['age', 'country', 'region', 'city', 'occupation'])
        expect(traits).not.toHaveProperty(flat);
      if (traits.address !== undefined) {
        expect(traits.address).toMatchObject({
          street: expect.stringMatching(/^\d+ \p{L}/u),
          city: person.traits.city,
          postalCode: expect.stringMatching(/^\d{5}$/),
          country: person.traits.country,
        });
      }
    }
  });

  it('dates the account before the first event, as an ISO instant', () => {
    for (const { person, traits } of sent) {
      expect(new Date(traits.createdAt as string).toISOString()).toBe(traits.createdAt);
      expect(Date.parse(traits.createdAt as string)).toBeLessThanOrEqual(
        person.events[0]?.timestamp.getTime() ?? now.getTime(),
      );
    }
  });

  it('gives a birthday making each person their age on the day, and none when the age is unknown', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1990-01-01T00:00:00Z'),
          max: new Date('2100-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: people.length - 1 }),
        (day, index) => {
          const person = people[index];
          if (person === undefined) return;
          const { birthday } = segmentSpecTraitsOf(person, { now: day });
          if (person.traits.age === undefined) expect(birthday).toBeUndefined();
          else expect(ageOn(birthday as string, day)).toBe(person.traits.age);
        },
      ),
    );
  });

  it('leaves some addresses and states unknown, as real data does', () => {
    expect(shareOf((traits) => traits.address === undefined)).toBeCloseTo(ADDRESS_MISSING_RATES.address, 1);
    const withAddress = sent.filter(({ traits }) => traits.address !== undefined);
    const withoutState = withAddress.filter(({ traits }) => !('state' in (traits.address as object)));
    expect(withoutState.length / withAddress.length).toBeCloseTo(ADDRESS_MISSING_RATES.state, 1);
  });

  it("gives working people an employer in their occupation's industries, and the retired none", () => {
    const inSegment = (id: string) => sent.filter(({ person }) => person.segmentId === id);
    const tech = inSegment('tech-professionals').filter(({ person }) =>
      ['software engineer', 'product manager', 'data scientist'].includes(person.traits.occupation),
    );
    const industries = tech.flatMap(
      ({ traits }) => (traits.company as { industry?: string })?.industry ?? [],
    );
    expect(industries.length / tech.length).toBeGreaterThan(0.6);
    expect(industries.every((industry) => ['software', 'internet', 'fintech'].includes(industry))).toBe(true);
    const retired = sent.filter(({ person }) => person.traits.occupation === 'retired');
    expect(retired.length).toBeGreaterThan(0);
    expect(retired.every(({ traits }) => traits.company === undefined)).toBe(true);
    for (const { traits } of sent) {
      if (traits.company === undefined) continue;
      expect(traits.company).toMatchObject({
        name: expect.any(String),
        employee_count: expect.any(Number),
        plan: expect.stringMatching(/^(starter|business|enterprise)$/),
      });
    }
  });

  it('is the same for the same person every time', () => {
    const [first] = people;
    if (first === undefined) throw new Error('no people');
    expect(segmentSpecTraitsOf(first, { now })).toEqual(segmentSpecTraitsOf(first, { now }));
  });
});

describe('messagesOf with Segment-spec traits', () => {
  it('identifies each person with the traits Segment’s SDKs would send', () => {
    for (const { person, traits } of sent.slice(0, 50)) {
      const identify = messagesOf(person, { now, traits: 'segment-spec' }).find(
        (message) => message.type === 'identify',
      );
      expect(identify?.traits).toEqual(traits);
    }
  });
});
