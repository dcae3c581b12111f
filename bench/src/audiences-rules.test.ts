import { generatePopulation } from '@prism/population';
import { matchesRule, ruleFromProto } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { PROBE_TRAIT } from './audiences-probe.js';
import { benchAudienceSpecs, PROBE_AUDIENCE_KEY } from './audiences-rules.js';

const specs = benchAudienceSpecs(100);
const people = [...generatePopulation({ seed: 42, size: 2_000, now: new Date('2026-12-01T00:00:00Z') })];
const matching = (index: number) => {
  const rule = ruleFromProto(specs[index]?.rule ?? {}, `specs[${index}].rule`);
  return people.filter((person) => matchesRule(rule, { traits: { ...person.traits } })).length;
};

describe('the audiences of the enter-latency benchmark', () => {
  it('are 100 distinct valid keys, the probe audience first', () => {
    expect(specs).toHaveLength(100);
    expect(new Set(specs.map((spec) => spec.key)).size).toBe(100);
    expect(specs[0]?.key).toBe(PROBE_AUDIENCE_KEY);
    for (const spec of specs) expect(spec.key).toMatch(/^[a-z][a-z0-9_]{0,63}$/);
  });

  it('each find members in the population the load sends, but never everyone', () => {
    for (let index = 1; index < specs.length; index++) {
      const members = matching(index);
      expect(members, specs[index]?.name).toBeGreaterThan(0);
      expect(members, specs[index]?.name).toBeLessThan(people.length);
    }
  });

  it('leave the probe audience to the probes alone', () => {
    expect(matching(0)).toBe(0);
    const probe = ruleFromProto(specs[0]?.rule ?? {});
    expect(matchesRule(probe, { traits: { [PROBE_TRAIT.key]: PROBE_TRAIT.value } })).toBe(true);
  });

  it('are the same every run', () => {
    expect(benchAudienceSpecs(100)).toEqual(specs);
  });
});
