import { describe, expect, it } from 'vitest';
import type { Contrast } from '../model.js';
import { nameVariants, uniqueNames } from './naming.js';

const share = (key: string, value: string, inSegment: number, inPopulation: number): Contrast => ({
  key,
  group: 'psychographic',
  value,
  inSegment,
  inPopulation,
  lift: inSegment / inPopulation,
});

describe('nameVariants', () => {
  it('names who the members are, of what kind, and their ages', () => {
    const [name] = nameVariants(
      [
        share('interests', 'running', 0.8, 0.2),
        share('settlement', 'urban', 0.9, 0.5),
        share('values', 'health', 0.9, 0.1),
      ],
      '25–34',
    );
    expect(name).toBe('Urban running enthusiasts, 25–34');
  });

  it('pairs two nearly equal interests and prefers a dominant place to an adjective', () => {
    const [name] = nameVariants(
      [
        share('interests', 'tech gadgets', 0.5, 0.1),
        share('interests', 'gaming', 0.48, 0.1),
        share('country', 'US', 0.7, 0.2),
        share('settlement', 'urban', 0.8, 0.5),
      ],
      undefined,
    );
    expect(name).toBe('Tech gadget & gaming enthusiasts in the United States');
  });

  it('calls a segment with nothing to name it by a general audience', () => {
    expect(nameVariants([], undefined)).toEqual(['General audience']);
  });
});

describe('uniqueNames', () => {
  it('moves clashing names to their longer variants, then numbers them', () => {
    expect(
      uniqueNames([
        ['Urban runners', 'Urban runners (in Germany)'],
        ['Urban runners', 'Urban runners (in Sweden)'],
        ['Retirees'],
        ['General audience'],
        ['General audience'],
      ]),
    ).toEqual([
      'Urban runners (in Germany)',
      'Urban runners (in Sweden)',
      'Retirees',
      'General audience',
      'General audience 2',
    ]);
  });
});
