import type { Json } from './conditions.js';

/**
 * The rule tree of `prism.rules.v1.Rule` as the services handle it: membership of one profile,
 * from its traits (custom and computed) and, for event conditions, its activity.
 */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { trait: TraitCondition }
  | { event: EventCondition };

export const RULE_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
  'contains',
  'exists',
  'in',
] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export interface TraitCondition {
  key: string;
  operator: RuleOperator;
  /** A scalar; a list of scalars for `in`; a boolean or nothing for `exists`. */
  value?: Json;
}

/** How many events named `event`, matching every `where`, in the last `withinDays` days (0 = ever). */
export interface EventCondition {
  event: string;
  where: TraitCondition[];
  countOperator: Exclude<RuleOperator, 'contains' | 'exists' | 'in'>;
  count: number;
  withinDays: number;
}
