import type { Rule, TraitCondition } from '@prism/rules';
import type { Literal } from './tree.js';

/**
 * The rule of a cluster from the paths to its leaves: `any` of `all`s, each path simplified,
 * paths implied by a more general one dropped, and conditions every path shares pulled out
 * front (`a and (b or c)`). Every step is an equivalence under the rule semantics, missing
 * values included, so the rule matches exactly whom the tree's leaves hold.
 */
export function ruleFromPaths(paths: readonly Literal[][]): Rule {
  const conjunctions = mostGeneral(paths.map(simplified));
  if (conjunctions.length === 0) return { any: [] };
  if (conjunctions.length === 1) return allOf(conjunctions[0] as Rule[]);
  const first = conjunctions[0] as Rule[];
  const shared = first.filter((rule) => conjunctions.every((conjunction) => includes(conjunction, rule)));
  const branches: Rule = {
    any: conjunctions.map((conjunction) => allOf(conjunction.filter((rule) => !includes(shared, rule)))),
  };
  return shared.length > 0 ? { all: [...shared, branches] } : branches;
}

const allOf = (rules: Rule[]): Rule => (rules.length === 1 ? (rules[0] as Rule) : { all: rules });

const same = (a: Rule, b: Rule): boolean => JSON.stringify(a) === JSON.stringify(b);
const includes = (rules: readonly Rule[], rule: Rule): boolean => rules.some((other) => same(other, rule));

/** Drops each conjunction another one implies by holding a subset of its conditions (and repeats). */
function mostGeneral(conjunctions: Rule[][]): Rule[][] {
  const implies = (general: Rule[], specific: Rule[]) => general.every((rule) => includes(specific, rule));
  return conjunctions.filter(
    (conjunction, index) =>
      !conjunctions.some(
        (other, at) =>
          at !== index && implies(other, conjunction) && (other.length < conjunction.length || at < index),
      ),
  );
}

type Family = 'ordering' | 'level' | 'flag';

const familyOf = ({ operator }: TraitCondition): Family =>
  operator === 'greater_or_equal' || operator === 'less_than'
    ? 'ordering'
    : operator === 'contains'
      ? 'flag'
      : 'level';

/** One path's conditions, merged per trait in the order the path first tests them. */
function simplified(path: readonly Literal[]): Rule[] {
  const byTrait = new Map<string, Literal[]>();
  for (const literal of path) {
    const at = `${familyOf(literal.condition)}:${literal.condition.key}`;
    byTrait.set(at, [...(byTrait.get(at) ?? []), literal]);
  }
  return [...byTrait.values()].flatMap((literals) => {
    const { key } = (literals[0] as Literal).condition;
    const family = familyOf((literals[0] as Literal).condition);
    if (family === 'ordering') return bounds(key, literals);
    return family === 'level' ? levels(key, literals) : flags(literals);
  });
}

/**
 * The tightest bounds. `not (x ≥ t)` also holds for a missing x, so it only reads as `x < t`
 * when another condition of the path needs x to be a number.
 */
function bounds(key: string, literals: Literal[]): Rule[] {
  const at = (operator: TraitCondition['operator'], holds: boolean) =>
    literals
      .filter((literal) => literal.condition.operator === operator && literal.holds === holds)
      .map((literal) => literal.condition.value as number);
  const known = literals.some((literal) => literal.holds);
  const lower = [...at('greater_or_equal', true), ...(known ? at('less_than', false) : [])];
  const upper = [...at('less_than', true), ...(known ? at('greater_or_equal', false) : [])];
  const rules: Rule[] = [];
  if (lower.length > 0) rules.push(trait(key, 'greater_or_equal', Math.max(...lower)));
  if (upper.length > 0) rules.push(trait(key, 'less_than', Math.min(...upper)));
  if (known) return rules;
  const notAbove = at('greater_or_equal', false);
  const notBelow = at('less_than', false);
  if (notAbove.length > 0) rules.push({ not: trait(key, 'greater_or_equal', Math.min(...notAbove)) });
  if (notBelow.length > 0) rules.push({ not: trait(key, 'less_than', Math.max(...notBelow)) });
  return rules;
}

/** The levels every held condition allows, less the excluded ones; or, with none held, the exclusions. */
function levels(key: string, literals: Literal[]): Rule[] {
  const listed = ({ condition }: Literal) =>
    condition.operator === 'in' ? (condition.value as string[]) : [condition.value as string];
  const excluded = [...new Set(literals.filter((literal) => !literal.holds).flatMap(listed))];
  const required = literals.filter((literal) => literal.holds).map(listed);
  if (required.length === 0)
    return [
      excluded.length === 1
        ? trait(key, 'not_equals', excluded[0] as string)
        : { not: trait(key, 'in', excluded) },
    ];
  const allowed = required
    .reduce((kept, list) => kept.filter((level) => list.includes(level)))
    .filter((level) => !excluded.includes(level));
  return [allowed.length === 1 ? trait(key, 'equals', allowed[0] as string) : trait(key, 'in', allowed)];
}

function flags(literals: Literal[]): Rule[] {
  const rules: Rule[] = [];
  for (const { condition, holds } of literals) {
    const rule: Rule = holds ? { trait: condition } : { not: { trait: condition } };
    if (!includes(rules, rule)) rules.push(rule);
  }
  return rules;
}

const trait = (key: string, operator: TraitCondition['operator'], value: TraitCondition['value']): Rule => ({
  trait: { key, operator, value },
});
