import { describeRule, type Rule, valueAtPath } from '@prism/rules';
import type { NodeRows } from './bulk-evaluator.js';
import type { ProfileIndex } from './profile-index.js';
import { eventCount, matchesRow, type RowMembership } from './row-evaluator.js';

/** Where a node sits in its rule: `all[1].any[0]`, `not`, or '' for the root. */
const childPath = (parent: string, step: string) => (parent ? `${parent}.${step}` : step);

function childrenOf(rule: Rule): { rule: Rule; step: string }[] {
  if ('all' in rule) return rule.all.map((child, at) => ({ rule: child, step: `all[${at}]` }));
  if ('any' in rule) return rule.any.map((child, at) => ({ rule: child, step: `any[${at}]` }));
  if ('not' in rule) return [{ rule: rule.not, step: 'not' }];
  return [];
}

/** A rule node as evaluated for one profile: its result and, for a condition, the profile's value. */
export interface ExplainedNode {
  kind: 'all' | 'any' | 'not' | 'trait' | 'event' | 'audience';
  path: string;
  description: string;
  result: boolean;
  /** The trait's value, the event count, or the membership; undefined when the trait is missing. */
  actual?: unknown;
  children: ExplainedNode[];
}

/** The profile a rule is explained for: its row of the index, its traits, its memberships. */
export interface ExplainedProfile {
  row: number;
  traits: Readonly<Record<string, unknown>>;
  isMember: RowMembership;
}

/**
 * The rule tree annotated for one profile, decided by the row evaluator that decides live
 * membership, so the explanation is the decision itself, not a second opinion.
 */
export function explainRule(
  rule: Rule,
  index: ProfileIndex,
  profile: ExplainedProfile,
  path = '',
): ExplainedNode {
  const children = childrenOf(rule).map((child) =>
    explainRule(child.rule, index, profile, childPath(path, child.step)),
  );
  const node: ExplainedNode = {
    kind: kindOf(rule),
    path,
    description: describeRule(rule),
    result: matchesRow(rule, index, profile.row, profile.isMember),
    children,
  };
  if ('trait' in rule) node.actual = valueAtPath(profile.traits, rule.trait.key);
  if ('event' in rule) node.actual = eventCount(rule.event, index, profile.row);
  if ('audience' in rule) node.actual = profile.isMember(rule.audience.key);
  return node;
}

/** At most this many conditions are named in a summary. */
const SUMMARY_CONDITIONS = 3;

/** Why a node has its result, as the conditions that decide it: `age ≥ 25 does not hold (is 19)`. */
export function decidingConditions(node: ExplainedNode): string[] {
  if (node.kind === 'not') return node.children.flatMap(decidingConditions);
  if (node.kind !== 'all' && node.kind !== 'any') return [conditionLine(node)];
  if (node.children.length === 0) return [node.description];
  // A group holds or fails by the children sharing its result (all: the failing; any: the holding).
  const deciding = node.children.filter((child) => child.result === node.result);
  return deciding.flatMap(decidingConditions).slice(0, SUMMARY_CONDITIONS);
}

/** A rule node has exactly one key, its kind (the schema refuses any other shape). */
const kindOf = (rule: Rule) => Object.keys(rule)[0] as ExplainedNode['kind'];

function conditionLine(node: ExplainedNode): string {
  const verdict = node.result ? 'holds' : 'does not hold';
  const value = node.actual === undefined ? 'no value' : `is ${JSON.stringify(node.actual)}`;
  return `${node.description} ${verdict} (${value})`;
}

/** A node of a preview: the profiles it holds on its own, with its children's. */
export interface CountedNode {
  path: string;
  description: string;
  count: number;
  children: CountedNode[];
}

export function countedTree(node: NodeRows, path = ''): CountedNode {
  const steps = childrenOf(node.rule);
  return {
    path,
    description: describeRule(node.rule),
    count: node.rows.size,
    children: node.children.map((child, at) => countedTree(child, childPath(path, steps[at]?.step ?? ''))),
  };
}
