import { type Rule, ruleSchema } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { plantedAudience } from '../../testing/planted.js';
import { type DeclaredAudience, targetAudienceRule } from './target-audience.js';
import { contextVocabulary } from './vocabulary.js';

const { profiles } = plantedAudience({ seed: 7, size: 3000 });
const vocabulary = contextVocabulary(profiles, { now: new Date('2026-11-01T00:00:00Z') });

const trait = (key: string, operator: string, value: unknown): Rule =>
  ({ trait: { key, operator, value } }) as Rule;
const nothingDeclared: DeclaredAudience = {
  ageRanges: [],
  genders: [],
  locations: [],
  interests: [],
  behaviours: [],
};

describe('targetAudienceRule', () => {
  it('narrows by every declared list, each list a set of alternatives', () => {
    const { filter, unrecognised } = targetAudienceRule(
      {
        ageRanges: [{ min: 25, max: 44 }],
        genders: ['female', 'male'],
        locations: ['DE', 'at', 'CH'],
        interests: ['trail running', 'hiking', 'outdoor'],
        behaviours: ['runs weekly', 'lapsed buyer'],
      },
      vocabulary,
    );
    expect(filter).toEqual({
      all: [
        trait('age', 'greater_or_equal', 25),
        trait('age', 'less_or_equal', 44),
        trait('gender', 'in', ['female', 'male']),
        trait('country', 'in', ['DE', 'AT', 'CH']),
        trait('interests', 'in', ['running', 'hiking']),
        trait('orders_90d', 'less_or_equal', expect.any(Number)),
      ],
    });
    expect(unrecognised).toEqual(['trail', 'outdoor', 'runs weekly']);
    expect(ruleSchema.safeParse(filter).success).toBe(true);
  });

  it('keeps overlapping declared age ranges as alternatives', () => {
    const { filter } = targetAudienceRule(
      {
        ...nothingDeclared,
        ageRanges: [
          { min: 18, max: 30 },
          { min: 25, max: 40 },
        ],
      },
      vocabulary,
    );
    expect(filter).toEqual({
      any: [
        { all: [trait('age', 'greater_or_equal', 18), trait('age', 'less_or_equal', 30)] },
        { all: [trait('age', 'greater_or_equal', 25), trait('age', 'less_or_equal', 40)] },
      ],
    });
  });

  it('reads areas, regions and cities, and reports places nobody lives in', () => {
    const { filter, unrecognised } = targetAudienceRule(
      { ...nothingDeclared, locations: ['EU', 'Berlin', 'Japan', 'Atlantis'] },
      vocabulary,
    );
    expect(unrecognised).toEqual(['Japan', 'Atlantis']);
    expect(filter).toMatchObject({ any: expect.arrayContaining([trait('city', 'equals', 'Berlin')]) });
  });

  it('declares nothing when every list is empty, and reports genders the data does not hold', () => {
    expect(targetAudienceRule(nothingDeclared, vocabulary)).toEqual({ unrecognised: [] });
    expect(targetAudienceRule({ ...nothingDeclared, genders: ['unknown'] }, vocabulary)).toEqual({
      unrecognised: ['unknown'],
    });
  });
});
