import { viewProfiles } from '@prism/profile-features';
import { describe, expect, it } from 'vitest';
import { PLANTED_NOW, plantedAudience } from '../../testing/planted.js';
import type { AudienceProfile, FeatureMatrix } from '../model.js';
import { buildFeatures, matrixFor } from './build.js';

const profile = (id: number, traits: Record<string, unknown>): AudienceProfile => ({
  profileId: `p${id}`,
  traits,
});

/** Row `row`'s value of the numeric-block column for `key` (and `value`, for a flag). */
function numericValue(matrix: FeatureMatrix, row: number, key: string, value?: string): number | undefined {
  const column = matrix.numericFeatures.findIndex(
    (feature) => feature.key === key && (feature.kind === 'numeric' || feature.value === value),
  );
  return column < 0 ? undefined : matrix.numeric[row * matrix.numericFeatures.length + column];
}

function levelOf(matrix: FeatureMatrix, row: number, key: string): string | undefined {
  const j = matrix.categoricalFeatures.findIndex((feature) => feature.key === key);
  const code = matrix.categorical[row * matrix.categoricalFeatures.length + j] ?? -1;
  return code < 0 ? undefined : matrix.categoricalFeatures[j]?.levels[code];
}

describe('buildFeatures on the planted audience', () => {
  const { profiles } = plantedAudience({ seed: 7, size: 1500 });
  const { matrix, excluded } = buildFeatures(profiles);
  const features = [...matrix.numericFeatures, ...matrix.categoricalFeatures];

  it('never turns names into features, and leaves out city and region with their dozens of levels', () => {
    expect(excluded).toEqual([
      { key: 'city', reason: 'identifier-like' },
      { key: 'firstName', reason: 'identifying' },
      { key: 'lastName', reason: 'identifying' },
      { key: 'region', reason: 'identifier-like' },
    ]);
  });

  it('makes numbers numeric, lists flags and strings categorical, each in its description group', () => {
    const kindAndGroup = (key: string) => [
      ...new Set(
        features.filter((feature) => feature.key === key).map(({ kind, group }) => `${kind} ${group}`),
      ),
    ];
    expect(kindAndGroup('age')).toEqual(['numeric demographic']);
    expect(kindAndGroup('orders_90d')).toEqual(['numeric behavioural']);
    expect(kindAndGroup('interests')).toEqual(['flag psychographic']);
    expect(kindAndGroup('country')).toEqual(['categorical geographic']);
    expect(kindAndGroup('incomeBand')).toEqual(['categorical demographic']);
  });

  it('encodes a profile as its values say', () => {
    const first = profiles[0]?.traits ?? {};
    for (const interest of first.interests as string[])
      expect(numericValue(matrix, 0, 'interests', interest)).toBe(1);
    expect(levelOf(matrix, 0, 'country')).toBe(first.country);
    const age = matrix.numericFeatures.find((feature) => feature.key === 'age');
    expect(
      age?.kind === 'numeric' && age.center + (numericValue(matrix, 0, 'age') ?? 0) * age.scale,
    ).toBeCloseTo(first.age as number);
  });

  it('reads missing ages as the center and missing genders as −1', () => {
    const withoutAge = profiles.findIndex(({ traits }) => traits.age === undefined);
    const withoutGender = profiles.findIndex(({ traits }) => traits.gender === undefined);
    expect(numericValue(matrix, withoutAge, 'age')).toBe(0);
    expect(levelOf(matrix, withoutGender, 'gender')).toBeUndefined();
  });
});

describe("buildFeatures on data as Segment's SDKs send it, read by path", () => {
  const sent = plantedAudience({ seed: 7, size: 1500, traits: 'segment-spec' }).profiles;
  const { matrix, excluded } = buildFeatures(viewProfiles(sent, PLANTED_NOW).profiles);
  const features = [...matrix.numericFeatures, ...matrix.categoricalFeatures];
  const kindAndGroup = (key: string) => [
    ...new Set(
      features.filter((feature) => feature.key === key).map(({ kind, group }) => `${kind} ${group}`),
    ),
  ];

  it('never turns the street, postal code, names or contacts into features', () => {
    const identifying = excluded.filter(({ reason }) => reason === 'identifying').map(({ key }) => key);
    expect(identifying).toEqual([
      'address.postalCode',
      'address.street',
      'company.name',
      'email',
      'firstName',
      'lastName',
      'name',
      'phone',
    ]);
  });

  it('makes the country geography, the employer firmographic and the birthday an age', () => {
    expect(kindAndGroup('address.country')).toEqual(['categorical geographic']);
    expect(kindAndGroup('company.industry')).toEqual(['categorical firmographic']);
    expect(kindAndGroup('company.employee_count')).toEqual(['numeric firmographic']);
    expect(kindAndGroup('age')).toEqual(['numeric demographic']);
    expect(kindAndGroup('tenure_days')).toEqual(['numeric behavioural']);
    expect(features.some((feature) => feature.key === 'birthday' || feature.key === 'createdAt')).toBe(false);
  });
});

describe('buildFeatures on dirty data', () => {
  const dirty = Array.from({ length: 400 }, (_, i) =>
    profile(i, {
      // Mostly numbers, some spelled as text, a few junk: numeric, junk as missing.
      age: i % 10 === 0 ? 'unknown' : i % 3 === 0 ? String(20 + (i % 40)) : 20 + (i % 40),
      // Mostly text with the odd number: categorical, the number as its text.
      tier: i % 7 === 0 ? 3 : ['gold', 'silver', 'bronze'][i % 3],
      // A list that sometimes arrives as a lone string, with a value almost nobody holds.
      tags: i % 5 === 0 ? 'vip' : ['new', ...(i === 1 ? ['rare'] : [])],
      email: `person${i}@example.com`,
      coupon: `C-${i}`,
      nested: { anything: i },
      ...(i % 2 === 0 ? { spend: i * 1.5 } : {}),
    }),
  );
  const { matrix, excluded } = buildFeatures(dirty);

  it('settles each mixed trait by its majority kind and reads the minority sensibly', () => {
    const age = matrix.numericFeatures.find((feature) => feature.key === 'age');
    expect(age?.kind).toBe('numeric');
    expect(numericValue(matrix, 0, 'age')).toBe(0);
    expect(numericValue(matrix, 3, 'age')).not.toBe(0);
    expect(matrix.categoricalFeatures.find((feature) => feature.key === 'tier')?.levels).toEqual([
      '3',
      'bronze',
      'gold',
      'silver',
    ]);
    expect(numericValue(matrix, 5, 'tags', 'vip')).toBe(1);
  });

  it('drops list values held by under 1 % of profiles', () => {
    expect(
      matrix.numericFeatures.some((feature) => feature.kind === 'flag' && feature.value === 'rare'),
    ).toBe(false);
  });

  it('excludes contact details, identifier-like codes and values it cannot read', () => {
    expect(excluded).toEqual([
      { key: 'coupon', reason: 'identifier-like' },
      { key: 'email', reason: 'identifying' },
      { key: 'nested', reason: 'unusable' },
    ]);
  });

  it('gives the same features whatever order the profiles list their traits in', () => {
    const reordered = dirty.map(({ profileId, traits }) => ({
      profileId,
      traits: Object.fromEntries(Object.entries(traits).reverse()),
    }));
    const again = buildFeatures(reordered).matrix;
    expect(again.numericFeatures).toEqual(matrix.numericFeatures);
    expect(again.categoricalFeatures).toEqual(matrix.categoricalFeatures);
    expect(again.numeric).toEqual(matrix.numeric);
    expect(again.categorical).toEqual(matrix.categorical);
  });
});

describe('feature weights', () => {
  const profiles = [profile(1, { age: 30, gender: 'female' }), profile(2, { age: 50, gender: 'male' })];

  it('carry each trait’s emphasis to all of its columns, 1 by default', () => {
    const { weights } = buildFeatures(profiles, { weights: new Map([['gender', 2]]) });
    expect([...weights.numeric]).toEqual([1]);
    expect([...weights.categorical]).toEqual([2]);
  });

  it('refuse a negative or infinite emphasis', () => {
    expect(() => buildFeatures(profiles, { weights: new Map([['age', -1]]) })).toThrow(RangeError);
    expect(() => buildFeatures(profiles, { weights: new Map([['age', Number.POSITIVE_INFINITY]]) })).toThrow(
      RangeError,
    );
  });
});

describe('matrixFor', () => {
  it('encodes newcomers with the space’s schema, unseen levels as missing', () => {
    const space = buildFeatures([
      profile(1, { age: 30, gender: 'female', interests: ['running'] }),
      profile(2, { age: 50, gender: 'male', interests: ['golf'] }),
    ]);
    const newcomers = matrixFor(space, [
      profile(3, { age: 40, gender: 'unknown', interests: ['golf', 'chess'] }),
    ]);
    expect(newcomers.numericFeatures).toBe(space.schema.numericFeatures);
    expect(levelOf(newcomers, 0, 'gender')).toBeUndefined();
    expect(numericValue(newcomers, 0, 'interests', 'golf')).toBe(1);
    expect(numericValue(newcomers, 0, 'interests', 'running')).toBe(0);
    expect(numericValue(newcomers, 0, 'age')).toBe(0);
  });
});
