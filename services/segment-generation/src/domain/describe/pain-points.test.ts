import { describe, expect, it } from 'vitest';
import type { Contrast } from '../model.js';
import { rankPainPoints } from './pain-points.js';

const contrast = (
  key: string,
  value: string | undefined,
  inSegment: number,
  inPopulation: number,
): Contrast => ({
  key,
  group: value === undefined ? 'behavioural' : 'psychographic',
  ...(value === undefined ? {} : { value }),
  inSegment,
  inPopulation,
  lift: inSegment / inPopulation,
});

const painPoints = ['no time to train consistently', 'worried about overspending', 'complicated technology'];

describe('rankPainPoints', () => {
  it('ranks by evidence and explains it', () => {
    const ranked = rankPainPoints(painPoints, [
      contrast('interests', 'running', 0.6, 0.15),
      contrast('coupon_orders_90d', undefined, 4, 1),
    ]);
    expect(ranked.map(({ painPoint }) => painPoint)).toEqual([
      'worried about overspending',
      'no time to train consistently',
    ]);
    expect(ranked[0]?.evidence).toEqual(['overspend ← coupon orders (90 days) (related)']);
    expect(ranked[0]?.score).toBeCloseTo(Math.log(4) * 0.5, 10);
    expect(ranked[1]?.evidence).toEqual(['train ← running (related)']);
  });

  it('counts a word of the pain point itself fully, a related one half', () => {
    const [direct] = rankPainPoints(['gadgets break'], [contrast('interests', 'tech gadgets', 0.5, 0.1)]);
    const [related] = rankPainPoints(
      ['complicated technology'],
      [contrast('interests', 'tech gadgets', 0.5, 0.1)],
    );
    expect(direct?.score).toBeCloseTo(2 * (related?.score ?? 0), 10);
  });

  it('gives none when nothing over-represented relates, rather than any', () => {
    expect(rankPainPoints(painPoints, [contrast('interests', 'wine', 0.5, 0.1)])).toEqual([]);
    expect(rankPainPoints(painPoints, [contrast('sessions_30d', undefined, 1, 4)])).toEqual([]);
    expect(rankPainPoints([], [contrast('interests', 'running', 0.6, 0.15)])).toEqual([]);
  });
});
