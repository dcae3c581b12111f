import { adjustedRandIndex, plantedSegment } from '@prism/population';
import { matchesRule, type Rule, traitKeysOf } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { PLANTED_NOW, plantedAudience } from '../testing/planted.js';
import { type Generation, generateSegments } from './generate.js';

const NO_AUDIENCE = { ageRanges: [], genders: [], locations: [], interests: [], behaviours: [] };
const BRIEF = {
  products: ['trail running shoes', 'smart watch'],
  painPoints: ['no time to train consistently', 'worried about overspending', 'complicated technology'],
};

/** The planted segment most members of each generated segment were drawn from. */
function plantedOf(generation: Generation, truth: readonly string[], labels: readonly number[]): string[] {
  return generation.segments.map((_, segment) => {
    const counts = new Map<string, number>();
    labels.forEach((label, row) => {
      if (label === segment) counts.set(truth[row] ?? '', (counts.get(truth[row] ?? '') ?? 0) + 1);
    });
    return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
  });
}

/** ARI of a generation's clustering against the planted segments of its profiles. */
function ariOf(generation: Generation, ids: readonly string[], truth: readonly string[]): number {
  const labels = generation.clustering.labels;
  return adjustedRandIndex(
    new Map(ids.map((id, row) => [id, truth[row] ?? ''])),
    new Map(ids.map((id, row) => [id, labels[row] ?? -1])),
  );
}

describe('generating segments from the planted population (fixed seed)', async () => {
  const { profiles, truth } = plantedAudience({ seed: 7, size: 4000 });
  const generation = await generateSegments(
    { profiles, brief: BRIEF, declared: NO_AUDIENCE, context: '', seed: 7 },
    () => {},
  );
  const labels = Array.from(generation.clustering.labels);

  it('recovers the planted segments with k chosen automatically: ARI ≥ 0.9', () => {
    expect(generation.clustering.kChosenAutomatically).toBe(true);
    expect(generation.clustering.k).toBe(4);
    const ids = profiles.map((profile) => profile.profileId);
    expect(ariOf(generation, ids, truth)).toBeGreaterThanOrEqual(0.9);
  });

  it("names in each segment's description the traits planted for it", () => {
    const planted = plantedOf(generation, truth, labels);
    expect(new Set(planted).size).toBe(4);
    generation.segments.forEach(({ description }, segment) => {
      const traits = plantedSegment(planted[segment] ?? '').traits;
      const named = description.contrasts.map((contrast) => contrast.value ?? contrast.key);
      const plantedValues = [
        ...traits.interests,
        ...traits.occupations,
        ...traits.countries,
        ...traits.climateZones,
      ];
      const hits = named.filter((value) => plantedValues.includes(value as never));
      expect(hits.length, `${planted[segment]}: ${named.join(', ')}`).toBeGreaterThanOrEqual(3);
      expect(description.interestsAndBehaviours.join(' ')).toMatch(
        new RegExp(traits.interests.slice(0, 5).join('|')),
      );
    });
  });

  it('gives each segment a rule that agrees with it on at least 90 % of its members', () => {
    for (const { rule } of generation.segments) {
      expect(rule.coverage).toBeGreaterThanOrEqual(0.9);
      expect(rule.precision).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('is deterministic for a seed', async () => {
    const again = await generateSegments(
      { profiles, brief: BRIEF, declared: NO_AUDIENCE, context: '', seed: 7 },
      () => {},
    );
    expect(Array.from(again.clustering.labels)).toEqual(labels);
    expect(again.segments.map((segment) => segment.description.name)).toEqual(
      generation.segments.map((segment) => segment.description.name),
    );
  });

  it('narrows the population by the targeting context and reports nonsense back', async () => {
    const narrowed = await generateSegments(
      {
        profiles,
        brief: BRIEF,
        declared: NO_AUDIENCE,
        context: 'runners in Europe, purple elephants',
        seed: 7,
      },
      () => {},
    );
    expect(narrowed.populationSize).toBeLessThan(profiles.length);
    expect(narrowed.interpretation.unrecognised.join(' ')).toContain('purple elephants');
    expect(narrowed.interpretation.filter).toBeDefined();
  });
});

describe("generating segments from data as Segment's SDKs send it (nested, reserved traits)", async () => {
  const { profiles, truth } = plantedAudience({ seed: 7, size: 4000, traits: 'segment-spec' });
  const ids = profiles.map((profile) => profile.profileId);
  const run = (context: string) =>
    generateSegments(
      { profiles, brief: BRIEF, declared: NO_AUDIENCE, context, seed: 7, now: PLANTED_NOW },
      () => {},
    );
  const generation = await run('');

  it('recovers the planted segments: ARI ≥ 0.9', () => {
    expect(generation.clustering.k).toBe(4);
    expect(ariOf(generation, ids, truth)).toBeGreaterThanOrEqual(0.9);
  });

  it('names the places people live in, read from address.country', () => {
    const focus = generation.segments.map(({ description }) => description.geographicFocus).join(' | ');
    for (const country of ['Spain', 'Germany', 'United Kingdom', 'United States'])
      expect(focus).toContain(country);
  });

  it('writes rules on the traits the data has, which reproduce the segments on the data as sent', () => {
    const keys = new Set(generation.segments.flatMap(({ rule }) => traitKeysOf(rule.rule)));
    expect(keys).not.toContain('age');
    expect([...keys].filter((key) => key.startsWith('address.'))).toEqual(['address.country']);
    generation.segments.forEach(({ rule }, segment) => {
      const members = new Set(ids.filter((_, row) => generation.clustering.labels[row] === segment));
      const matched = profiles.filter(({ traits }) => matchesRule(rule.rule, { traits }));
      const hits = matched.filter(({ profileId }) => members.has(profileId));
      expect(hits.length / members.size).toBeCloseTo(rule.coverage, 10);
      expect(hits.length / matched.length).toBeCloseTo(rule.precision, 10);
      expect(rule.coverage).toBeGreaterThanOrEqual(0.9);
    });
  });

  it('narrows to the people of a country named in the context, and states it on the data’s trait', async () => {
    const spain = await run('only people in Spain');
    const spaniards = profiles.filter(
      ({ traits }) => (traits.address as { country?: string })?.country === 'ES',
    );
    expect(spain.populationSize).toBe(spaniards.length);
    expect(spain.interpretation.unrecognised).toEqual([]);
    expect(spain.interpretation.filter).toEqual({
      trait: { key: 'address.country', operator: 'equals', value: 'ES' },
    });
  });

  it('reads an age range on birthdays and states it as a condition on the birthday', async () => {
    const older = await run('ages 60-80');
    const filter = older.interpretation.filter as Rule;
    expect(traitKeysOf(filter)).toEqual(['birthday']);
    const matched = profiles.filter(({ traits }) => matchesRule(filter, { traits }));
    expect(older.populationSize).toBe(matched.length);
    expect(matched.length).toBeGreaterThan(profiles.length / 5);
  });
});
