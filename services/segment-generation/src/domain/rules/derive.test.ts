import { describeRule, matchesRule, type Rule } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { plantedAudience } from '../../testing/planted.js';
import { buildFeatures } from '../features/index.js';
import type { AudienceProfile } from '../model.js';
import { deriveSegmentRules } from './derive.js';

const conditionCount = (rule: Rule): number => {
  if ('all' in rule) return rule.all.reduce((sum, child) => sum + conditionCount(child), 0);
  if ('any' in rule) return rule.any.reduce((sum, child) => sum + conditionCount(child), 0);
  return 'not' in rule ? conditionCount(rule.not) : 1;
};

/** The planted segments as the clusters, so the rules are judged against the ground truth. */
function planted(size: number) {
  const { profiles, truth } = plantedAudience({ seed: 7, size });
  const segments = [...new Set(truth)].sort();
  const labels = Int32Array.from(truth, (segment) => segments.indexOf(segment));
  return { profiles, labels, segments, matrix: buildFeatures(profiles).matrix };
}

describe('deriveSegmentRules', () => {
  const { profiles, labels, segments, matrix } = planted(4000);
  const rules = deriveSegmentRules(matrix, profiles, labels, segments.length);

  it('finds a short rule reproducing each planted segment', () => {
    for (const { rule, coverage, precision } of rules) {
      expect(coverage).toBeGreaterThanOrEqual(0.9);
      expect(precision).toBeGreaterThanOrEqual(0.9);
      expect(conditionCount(rule)).toBeLessThanOrEqual(12);
    }
  });

  it('reads the retirees off their occupation, age and place, on the traits’ own scale', () => {
    const retirees = describeRule((rules[segments.indexOf('sunny-retirees')] as { rule: Rule }).rule);
    expect(retirees).toContain('occupation = "retired"');
    expect(retirees).toMatch(/age ≥ 6\d\b/);
  });

  it('reports what matchesRule gives on every profile', () => {
    rules.forEach(({ rule, coverage, precision, matched }, cluster) => {
      const matching = profiles.filter(({ traits }) => matchesRule(rule, { traits }));
      const hits = matching.filter((profile) => labels[profiles.indexOf(profile)] === cluster).length;
      const members = labels.filter((label) => label === cluster).length;
      expect({ matched, coverage, precision }).toEqual({
        matched: matching.length,
        coverage: hits / members,
        precision: hits / matching.length,
      });
    });
  });

  it('is deterministic, and fits a sample but evaluates everyone', () => {
    expect(deriveSegmentRules(matrix, profiles, labels, segments.length)).toEqual(rules);
    const sampled = deriveSegmentRules(matrix, profiles, labels, segments.length, { maxFitRows: 1000 });
    for (const { coverage, precision, matched } of sampled) {
      expect(Math.min(coverage, precision)).toBeGreaterThanOrEqual(0.85);
      expect(matched).toBeGreaterThan(250);
    }
  });

  it('gives a cluster without members a rule matching nobody', () => {
    const [empty] = deriveSegmentRules(
      matrix,
      profiles,
      labels.map((label) => label + 1),
      segments.length + 1,
    );
    expect(empty).toEqual({ rule: { any: [] }, coverage: 0, precision: 0, matched: 0 });
  });

  it('refuses inputs that do not line up', () => {
    const fewer: AudienceProfile[] = profiles.slice(1);
    expect(() => deriveSegmentRules(matrix, fewer, labels, 4)).toThrow(RangeError);
    expect(() => deriveSegmentRules(matrix, profiles, labels, 3)).toThrow('labels must be in 0..2');
  });
});
