import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldViolationsFromZod, protoFieldPath } from './zod.js';

describe('protoFieldPath', () => {
  it.each([
    [['spec', 'targetAudience', 'ageRanges', 0, 'min'], 'spec.target_audience.age_ranges[0].min'],
    [['spec', 'profileSpaceId'], 'spec.profile_space_id'],
    [['campaignId'], 'campaign_id'],
    [['items', 2, 'line1Address'], 'items[2].line1_address'],
    [[], ''],
  ])('turns %j into %j', (path, field) => {
    expect(protoFieldPath(path)).toBe(field);
  });
});

describe('fieldViolationsFromZod', () => {
  it('names each failing field by its snake_case proto path with the zod message', () => {
    const schema = z.object({
      spec: z.object({
        name: z.string().min(1, 'must not be empty'),
        targetAudience: z.object({
          ageRanges: z.array(
            z.object({ min: z.number().int().min(13, 'must be at least 13'), max: z.number() }),
          ),
        }),
      }),
    });
    const result = schema.safeParse({
      spec: { name: '', targetAudience: { ageRanges: [{ min: 3, max: 20 }] } },
    });
    expect(result.success).toBe(false);
    expect(fieldViolationsFromZod(result.error as z.ZodError)).toEqual([
      { field: 'spec.name', description: 'must not be empty' },
      { field: 'spec.target_audience.age_ranges[0].min', description: 'must be at least 13' },
    ]);
  });
});
