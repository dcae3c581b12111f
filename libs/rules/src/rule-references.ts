import type { EventCondition, Rule } from './rule.js';

type RuleLeaf = Exclude<Rule, { all: Rule[] } | { any: Rule[] } | { not: Rule }>;

/** The keys of the audiences the rule names, each once, in the order written. */
export function audienceKeysOf(rule: Rule): string[] {
  return distinct(leavesOf(rule).flatMap((leaf) => ('audience' in leaf ? [leaf.audience.key] : [])));
}

/** Every event condition of the rule, in the order written (equal ones repeated). */
export function eventConditionsOf(rule: Rule): EventCondition[] {
  return leavesOf(rule).flatMap((leaf) => ('event' in leaf ? [leaf.event] : []));
}

/** The profile trait keys the rule's trait conditions name, each once; not event `where` keys. */
export function traitKeysOf(rule: Rule): string[] {
  return distinct(leavesOf(rule).flatMap((leaf) => ('trait' in leaf ? [leaf.trait.key] : [])));
}

function leavesOf(rule: Rule): RuleLeaf[] {
  if ('all' in rule) return rule.all.flatMap(leavesOf);
  if ('any' in rule) return rule.any.flatMap(leavesOf);
  if ('not' in rule) return leavesOf(rule.not);
  return [rule];
}

const distinct = (keys: string[]): string[] => [...new Set(keys)];
