import { eventConditionsOf, type Json, matchesRule, type Rule } from '@prism/rules';
import { number, rules, scalar, text } from '@prism/rules/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countFromTraits, eventTraitKey } from '../domain/event-traits.js';
import { evaluateRule, evaluateTree, type NodeRows } from './bulk-evaluator.js';
import { ProfileIndex } from './profile-index.js';
import { matchesRow } from './row-evaluator.js';

const AUDIENCE_KEYS = ['vip', 'churn_risk', 'runners_2024'] as const;

/** Literal values of a rule's trait conditions: profiles draw them too, so edges (equal, ≤) are hit. */
function literalsOf(rule: Rule): Json[] {
  if ('all' in rule) return rule.all.flatMap(literalsOf);
  if ('any' in rule) return rule.any.flatMap(literalsOf);
  if ('not' in rule) return literalsOf(rule.not);
  if (!('trait' in rule)) return [];
  const { value } = rule.trait;
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/** Traits at the paths the generated rules name, nested and dotted, of every kind, some missing. */
const traitsWith = (literals: Json[]) => {
  const value = literals.length > 0 ? fc.oneof(scalar, fc.constantFrom(...literals)) : scalar;
  return fc.record(
    {
      age: fc.oneof(value, fc.constant(null), fc.constant({ years: 3 })),
      plan: fc.oneof(value, fc.array(value, { maxLength: 3 })),
      interests: fc.oneof(fc.array(fc.oneof(value, fc.constant(null)), { maxLength: 4 }), value),
      product: fc.oneof(
        fc.record({ price: fc.oneof(value, fc.constant(null)) }, { requiredKeys: [] }),
        value,
      ),
      'product.price': fc.oneof(value, fc.constant(null)),
    },
    { requiredKeys: [] },
  );
};

/**
 * Traits where each path holds one kind in every profile that has it (numbers, text, or text
 * and lists): the columns the bulk evaluator scans by their numbers or codes alone.
 */
const oneKindTraitsWith = (literals: Json[]) => {
  const ofKind = (base: fc.Arbitrary<Json>, isKind: (literal: Json) => boolean) => {
    const own = literals.filter(isKind);
    return own.length > 0 ? fc.oneof(base, fc.constantFrom(...own)) : base;
  };
  const textValue = ofKind(fc.oneof(text, fc.boolean()), (literal) => typeof literal !== 'number');
  const kinds = {
    number: ofKind(
      number.map((value) => value + 0),
      (literal) => typeof literal === 'number',
    ),
    text: textValue,
    'text or list': fc.oneof(textValue, fc.array(textValue, { maxLength: 3 })),
  };
  const kindOf = fc.constantFrom(...(Object.keys(kinds) as (keyof typeof kinds)[]));
  return fc.record({ age: kindOf, plan: kindOf, interests: kindOf, 'product.price': kindOf }).map((kindAt) =>
    fc.record(
      {
        age: kinds[kindAt.age],
        plan: kinds[kindAt.plan],
        interests: kinds[kindAt.interests],
        'product.price': kinds[kindAt['product.price']],
      },
      { requiredKeys: [] },
    ),
  );
};

interface GeneratedProfile {
  traits: Record<string, unknown>;
  /** Traits it had before its last change (its row must forget them). */
  before: Record<string, unknown>;
  /** Per event condition of the rule: a count, or something that is not one. */
  counts: unknown[];
  memberOf: boolean[];
  deleted: boolean;
}

const profileWith = (traits: fc.Arbitrary<Record<string, unknown>>, count: fc.Arbitrary<unknown>) =>
  fc.record({
    traits,
    before: traits,
    counts: fc.array(count, { minLength: 8, maxLength: 8 }),
    memberOf: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    deleted: fc.boolean(),
  });

const people = (profile: fc.Arbitrary<GeneratedProfile>) =>
  fc.array(profile, { minLength: 1, maxLength: 25 });

/** Traits of every kind at every path, counts that are numbers or not. */
const ruleAndPeople = rules.chain((rule) =>
  fc.tuple(
    fc.constant(rule),
    people(
      profileWith(
        traitsWith(literalsOf(rule)),
        fc.oneof(fc.nat(6), fc.constant('3'), fc.constant(undefined)),
      ),
    ),
  ),
);

/** Columns of one kind each, counts that are numbers (or absent). */
const ruleAndOneKindPeople = rules.chain((rule) =>
  oneKindTraitsWith(literalsOf(rule)).chain((traits) =>
    fc.tuple(fc.constant(rule), people(profileWith(traits, fc.oneof(fc.nat(6), fc.constant(undefined))))),
  ),
);

/** The profile's traits with its event counts as the computed traits the profile service keeps. */
function withCounts(rule: Rule, person: GeneratedProfile): Record<string, unknown> {
  const counted = eventConditionsOf(rule).map((condition, at) => [
    eventTraitKey(condition),
    person.counts[at % 8],
  ]);
  return { ...person.traits, ...Object.fromEntries(counted.filter(([, count]) => count !== undefined)) };
}

/** Builds the index change by change, then holds bulk, per row and matchesRule to one answer. */
function agreeOn([rule, people]: [Rule, GeneratedProfile[]]): void {
  const index = new ProfileIndex();
  const ids = people.map((_, at) => `profile_${at}`);
  for (const [at, person] of people.entries()) index.upsert(ids[at] as string, person.before);
  // Evaluated as profiles change: compiled tests must follow the dictionaries as they grow.
  people.forEach((person, at) => {
    evaluateRule(rule, index, (key) => index.members(key));
    index.upsert(ids[at] as string, withCounts(rule, person));
    for (const [k, key] of AUDIENCE_KEYS.entries())
      index.setMember(key, ids[at] as string, person.memberOf[k] ?? false);
  });
  for (const [at, person] of people.entries()) if (person.deleted) index.remove(ids[at] as string);

  const audienceRows = (key: string) => index.members(key);
  const bulk = new Set(index.idsOf(evaluateRule(rule, index, audienceRows)));
  // The preview's tree: each node holds the rows its rule does on its own.
  const sameAsAlone = (node: NodeRows): void => {
    expect(node.rows.isEqual(evaluateRule(node.rule, index, audienceRows)), 'tree node').toBe(true);
    node.children.forEach(sameAsAlone);
  };
  sameAsAlone(evaluateTree(rule, index, audienceRows));
  people.forEach((person, at) => {
    const id = ids[at] as string;
    const isMemberOf = (key: string) => person.memberOf[AUDIENCE_KEYS.indexOf(key as 'vip')] ?? false;
    const allTraits = withCounts(rule, person);
    const expected =
      !person.deleted &&
      matchesRule(rule, {
        traits: allTraits,
        countEvents: (condition) => countFromTraits(allTraits, condition),
        isMemberOf,
      });
    expect(bulk.has(id), `bulk, ${id}`).toBe(expected);
    if (!person.deleted)
      expect(matchesRow(rule, index, index.rowOf(id) as number, isMemberOf), `row, ${id}`).toBe(expected);
  });
}

describe('the index evaluators', () => {
  it('bulk, per row and matchesRule give the same members for any rule and profiles', () => {
    fc.assert(fc.property(ruleAndPeople, agreeOn), { numRuns: 400 });
  });

  it('agree where every column holds one kind (numbers, text, text and lists)', () => {
    fc.assert(fc.property(ruleAndOneKindPeople, agreeOn), { numRuns: 400 });
  });
});
