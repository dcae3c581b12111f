import { adjustedRandIndex, plantedSegment } from '@prism/population';
import { describe, expect, it } from 'vitest';
import { plantedAudience } from '../testing/planted.js';
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
    const ari = adjustedRandIndex(
      new Map(ids.map((id, row) => [id, truth[row] ?? ''])),
      new Map(ids.map((id, row) => [id, labels[row] ?? -1])),
    );
    expect(ari).toBeGreaterThanOrEqual(0.9);
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
