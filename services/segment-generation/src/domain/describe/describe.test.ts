import { PLANTED_SEGMENTS, type SegmentId } from '@prism/population';
import { viewProfiles } from '@prism/profile-features';
import { describe, expect, it } from 'vitest';
import { PLANTED_NOW, plantedAudience } from '../../testing/planted.js';
import { quantile } from '../context/vocabulary.js';
import { buildFeatures } from '../features/index.js';
import type { AudienceProfile, SegmentDescription, StrategyBrief } from '../model.js';
import { describeSegments } from './describe.js';
import { plantedFeatures } from './test-support.js';

const { profiles, truth } = plantedAudience({ seed: 7, size: 3000 });
const segmentIds: SegmentId[] = PLANTED_SEGMENTS.map(({ id }) => id);
const labels = Int32Array.from(truth, (id) => segmentIds.indexOf(id));
const features = plantedFeatures(profiles);
const brief: StrategyBrief = {
  products: ['Stride Trail X'],
  painPoints: [
    'no time to train consistently',
    'worried about overspending',
    'complicated technology',
    'slow customer support',
    'parking is hard',
  ],
};
const descriptions = describeSegments({ profiles, features, labels, k: segmentIds.length, brief });

const of = (id: SegmentId): SegmentDescription => descriptions[segmentIds.indexOf(id)] as SegmentDescription;
const textOf = (description: SegmentDescription) =>
  [
    description.name,
    description.demographicProfile,
    description.geographicFocus,
    ...description.interestsAndBehaviours,
  ].join(' | ');
const membersOf = (id: SegmentId): AudienceProfile[] => profiles.filter((_, row) => truth[row] === id);

describe('describeSegments on the planted population, clustered by the truth', () => {
  it('describes each cluster once, with its size and share', () => {
    expect(descriptions).toHaveLength(4);
    for (const id of segmentIds) {
      expect(of(id).size).toBe(membersOf(id).length);
      expect(of(id).share).toBeCloseTo(membersOf(id).length / 3000, 10);
    }
  });

  it.each(PLANTED_SEGMENTS.map(({ id, traits }) => [id, traits.interests] as const))(
    'names the interests planted in %s',
    (id, interests) => {
      const text = textOf(of(id));
      expect(interests.filter((interest) => text.includes(interest)).length).toBeGreaterThanOrEqual(4);
    },
  );

  it.each([
    ['urban-runners', /urban/i, 'geographicFocus', /settlement: urban \d+ %/],
    ['sunny-retirees', /retirees/i, 'demographicProfile', /occupation: retired \d+ %/],
    ['sunny-retirees', /mediterranean/i, 'geographicFocus', /climate zone: mediterranean \d+ %/],
    [
      'budget-families',
      /discount hunting/i,
      'interestsAndBehaviours',
      /coupon orders \(90 days\): [\d.]+ vs [\d.]+ on average/,
    ],
    ['budget-families', /./, 'geographicFocus', /settlement: suburban \d+ %/],
    ['tech-professionals', /tech gadget/i, 'demographicProfile', /software engineer \d+ %/],
    ['tech-professionals', /United States/, 'geographicFocus', /North America \d+ %/],
  ] as const)('describes %s by what was planted (%s in the name)', (id, inName, section, inSection) => {
    const description = of(id);
    expect(description.name).toMatch(inName);
    expect(String(description[section])).toMatch(inSection);
  });

  it('gives the retirees their age: median over 60, and a contrast on age', () => {
    const median = /median (\d+) vs/.exec(of('sunny-retirees').demographicProfile)?.[1];
    expect(Number(median)).toBeGreaterThan(60);
    expect(of('sunny-retirees').contrasts).toContainEqual(
      expect.objectContaining({ key: 'age', lift: expect.any(Number) }),
    );
  });

  it('names every segment differently', () => {
    const names = descriptions.map(({ name }) => name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name.length).toBeLessThanOrEqual(80);
  });

  it('states real percentages: the first interest line recomputes from the profiles', () => {
    const members = membersOf('urban-runners');
    const line = of('urban-runners').interestsAndBehaviours.find((each) => each.startsWith('interests: '));
    const [, interest, inSegment, overall] =
      /^interests: (.+) \((\d+) % vs (\d+) % overall/.exec(line ?? '') ?? [];
    const holding = (group: readonly AudienceProfile[]) =>
      group.filter(({ traits }) => (traits.interests as string[]).includes(interest ?? '')).length /
      group.length;
    expect(Number(inSegment)).toBe(Math.round(holding(members) * 100));
    expect(Number(overall)).toBe(Math.round(holding(profiles) * 100));
  });

  it('states the middle half of ages as the quartiles of the members', () => {
    const ages = membersOf('urban-runners').flatMap(({ traits }) =>
      typeof traits.age === 'number' ? [traits.age] : [],
    );
    const sorted = Float64Array.from(ages).sort();
    expect(of('urban-runners').demographicProfile).toContain(
      `aged ${quantile(sorted, 0.25)}–${quantile(sorted, 0.75)}`,
    );
  });

  it('ranks contrasts by lift and keeps only frequent, over-represented values', () => {
    for (const { contrasts } of descriptions) {
      expect(contrasts.map(({ lift }) => lift)).toEqual(
        contrasts.map(({ lift }) => lift).sort((a, b) => b - a),
      );
      for (const contrast of contrasts.filter(({ value }) => value !== undefined)) {
        expect(contrast.inSegment).toBeGreaterThanOrEqual(0.25);
        expect(contrast.lift).toBeCloseTo(contrast.inSegment / contrast.inPopulation, 10);
      }
    }
  });

  it('takes pain points only from the strategy, and only relevant ones', () => {
    for (const { painPoints } of descriptions) {
      for (const painPoint of painPoints) expect(brief.painPoints).toContain(painPoint);
      expect(painPoints).not.toContain('slow customer support');
      expect(painPoints).not.toContain('parking is hard');
    }
    expect(of('urban-runners').painPoints).toContain('no time to train consistently');
    expect(of('budget-families').painPoints).toEqual(['worried about overspending']);
    expect(of('tech-professionals').painPoints[0]).toBe('complicated technology');
    expect(of('sunny-retirees').painPoints).toEqual([]);
  });

  it('is deterministic', () => {
    expect(describeSegments({ profiles, features, labels, k: 4, brief })).toEqual(descriptions);
  });
});

describe("describeSegments on data as Segment's SDKs send it, clustered by the truth", () => {
  const sent = plantedAudience({ seed: 7, size: 3000, traits: 'segment-spec' });
  const view = viewProfiles(sent.profiles, PLANTED_NOW).profiles;
  const { matrix } = buildFeatures(view);
  const described = describeSegments({
    profiles: view,
    features: [...matrix.numericFeatures, ...matrix.categoricalFeatures],
    labels: Int32Array.from(sent.truth, (id) => segmentIds.indexOf(id)),
    k: segmentIds.length,
    brief,
  });
  const ofSent = (id: SegmentId) => described[segmentIds.indexOf(id)] as SegmentDescription;

  it('names the countries of address.country, and the continent, in the geographic focus', () => {
    expect(ofSent('sunny-retirees').geographicFocus).toMatch(/^Europe \d+ %.*address country: Spain \d+ %/);
    expect(ofSent('tech-professionals').geographicFocus).toMatch(/^North America \d+ %.*United States \d+ %/);
    expect(ofSent('tech-professionals').name).toMatch(/in the United States/);
  });

  it('gives ages from birthdays and names people by their title', () => {
    expect(ofSent('sunny-retirees').demographicProfile).toMatch(/^aged 6\d–7\d .*title: retired \d+ %/);
    expect(ofSent('sunny-retirees').name).toMatch(/retirees/i);
  });

  it('describes employers as a B2B group: the tech professionals work in software', () => {
    expect(ofSent('tech-professionals').demographicProfile).toMatch(
      /B2B, by employer: company industry: software \d+ % \(vs \d+ % overall\)/,
    );
    expect(ofSent('sunny-retirees').demographicProfile).not.toContain('B2B');
  });
});

describe('describeSegments on any data', () => {
  const people: AudienceProfile[] = Array.from({ length: 200 }, (_, i) => ({
    profileId: `p${i}`,
    traits:
      i < 100
        ? { plan: 'gold', tags: ['vip', 'early'], visits_30d: 12 }
        : { plan: 'free', tags: ['early'], visits_30d: 2 },
  }));
  const input = {
    profiles: people,
    features: plantedFeatures(people),
    labels: Int32Array.from(people, (_, i) => (i < 100 ? 0 : 1)),
    k: 3,
    brief: { products: [], painPoints: ['too many visits needed'] },
  };

  it('contrasts whatever traits exist, and describes an empty cluster as such', () => {
    const [gold, free, empty] = describeSegments(input);
    expect(gold?.contrasts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: 'plan', value: 'gold', inSegment: 1, inPopulation: 0.5, lift: 2 }),
        expect.objectContaining({ key: 'visits_30d', inSegment: 12, inPopulation: 7 }),
      ]),
    );
    expect(gold?.painPoints).toEqual(['too many visits needed']);
    expect(free?.interestsAndBehaviours).toContain('visits (30 days): 2 vs 7 on average (×0.29)');
    expect(empty).toMatchObject({ size: 0, share: 0, contrasts: [], painPoints: [] });
    expect(new Set([gold?.name, free?.name, empty?.name]).size).toBe(3);
  });
});
