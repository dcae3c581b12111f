import { type Json, matchesRule, type Rule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateRule } from './bulk-evaluator.js';
import { ProfileIndex } from './profile-index.js';
import { matchesRow } from './row-evaluator.js';

const emailOf = (person: number, round: number) =>
  `person${person}.r${round}@${person % 4 === 0 ? 'gmail.com' : 'example.org'}`;
const atGmail: Rule = { trait: { key: 'email', operator: 'contains', value: '@GMAIL.com' } };
const noMembers = () => undefined;

describe('a text column', () => {
  it('stops deduplicating mostly distinct values, compacts the ones no profile holds, and still answers exactly', () => {
    const index = new ProfileIndex();
    const people = 20_000;
    for (let round = 0; round < 4; round += 1) {
      for (let person = 0; person < people; person += 1)
        index.upsert(`p${person}`, { email: emailOf(person, round), plan: person % 2 ? 'pro' : 'free' });
      // Evaluated between rounds, so compiled tests must follow the renumbering.
      expect(evaluateRule(atGmail, index, noMembers).size).toBe(people / 4);
    }
    const email = index.column('email');
    expect(email?.text.deduplicating).toBe(false);
    expect(email?.text.generation).toBeGreaterThan(0);
    expect(email?.dictionary.length).toBeLessThanOrEqual(2 * people + 4_096 + 1);
    expect(index.column('plan')?.text.deduplicating).toBe(true);
    expect(index.column('plan')?.dictionary).toEqual([false, 'free', 'pro']);
    for (const person of [0, 1, 7_777, people - 1])
      expect(email?.scalarAt(index.rowOf(`p${person}`) as number)).toBe(emailOf(person, 3));
  });

  it('widens its codes to 32 bits past 65,536 values', () => {
    const index = new ProfileIndex();
    for (let person = 0; person < 70_000; person += 1)
      index.upsert(`p${person}`, { email: emailOf(person, 0) });
    const email = index.column('email');
    expect(email?.codes).toBeInstanceOf(Uint32Array);
    expect(email?.scalarAt(index.rowOf('p0') as number)).toBe(emailOf(0, 0));
    expect(email?.scalarAt(index.rowOf('p69999') as number)).toBe(emailOf(69_999, 0));
    expect(evaluateRule(atGmail, index, noMembers).size).toBe(17_500);
  });
});

describe('a list column', () => {
  const item = fc.constantFrom<Json>('running', 'golf', '42', 42, true);

  it("holds a row's last list exactly, whatever it held before (subsets, repeats, '42' for 42)", () => {
    const lists = fc.array(fc.array(item, { maxLength: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(lists, (tagsInTurn) => {
        const index = new ProfileIndex();
        for (const tags of tagsInTurn) {
          const row = index.upsert('p', { tags });
          for (const value of ['running', 'golf', 42, true]) {
            const rule: Rule = { trait: { key: 'tags', operator: 'contains', value } };
            const expected = matchesRule(rule, { traits: { tags } });
            expect(evaluateRule(rule, index, noMembers).has(row), `bulk, ${value}`).toBe(expected);
            expect(
              matchesRow(rule, index, row, () => false),
              `row, ${value}`,
            ).toBe(expected);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
