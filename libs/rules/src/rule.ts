import { z } from 'zod';
import {
  CONDITION_OPERATORS,
  type ConditionOperator,
  conditionListOf,
  conditionSchema,
  isScalar,
  type Json,
  matchesCondition,
  propertyPath,
  valueAtPath,
} from './conditions.js';

/**
 * The rule tree of `prism.rules.v1.Rule` as the services handle it: membership of one profile,
 * from its traits (custom and computed), for event conditions its activity and for audience
 * conditions its membership of other audiences.
 */
export type Rule =
  | { all: Rule[] }
  | { any: Rule[] }
  | { not: Rule }
  | { trait: TraitCondition }
  | { event: EventCondition }
  | { audience: AudienceCondition };

export const RULE_OPERATORS = [...CONDITION_OPERATORS, 'in'] as const;
export type RuleOperator = (typeof RULE_OPERATORS)[number];

export interface TraitCondition {
  key: string;
  operator: RuleOperator;
  /** A scalar; a list of scalars for `in`; a boolean or nothing for `exists`. */
  value?: Json;
}

export const COUNT_OPERATORS = CONDITION_OPERATORS.filter(
  (operator): operator is Exclude<ConditionOperator, 'contains' | 'exists'> =>
    operator !== 'contains' && operator !== 'exists',
);
export type CountOperator = (typeof COUNT_OPERATORS)[number];

/** How many events named `event`, matching every `where`, in the last `withinDays` days (0 = ever). */
export interface EventCondition {
  event: string;
  where: TraitCondition[];
  countOperator: CountOperator;
  count: number;
  withinDays: number;
}

/** Membership of the space's audience with this key (audience-sync refuses cycles). */
export interface AudienceCondition {
  key: string;
}

/** Limits that keep a rule cheap to validate, store and evaluate per profile. */
export const MAX_RULE_DEPTH = 8;
export const MAX_RULE_NODES = 200;
export const MAX_IN_VALUES = 100;
export const MAX_WITHIN_DAYS = 3650;

export const traitConditionSchema = z
  .object({ key: propertyPath, operator: z.enum(RULE_OPERATORS), value: z.json().optional() })
  .superRefine(({ operator, value }, ctx) => {
    for (const message of valueProblems(operator, value))
      ctx.addIssue({ code: 'custom', path: ['value'], message });
  });

function valueProblems(operator: RuleOperator, value: unknown): string[] {
  if (operator === 'in') {
    const fits = Array.isArray(value) && value.length > 0 && value.length <= MAX_IN_VALUES;
    return fits && value.every(isScalar)
      ? []
      : [`must be a list of 1 to ${MAX_IN_VALUES} strings, numbers or booleans`];
  }
  // Every other operator is a plain condition's: its value rules are the conditions' own.
  const issues = conditionSchema.safeParse({ key: 'value', operator, value }).error?.issues ?? [];
  return issues.map((issue) => issue.message);
}

export const eventConditionSchema = z.object({
  event: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  where: conditionListOf(traitConditionSchema).default([]),
  countOperator: z.enum(COUNT_OPERATORS),
  count: z.number().int().min(0, 'must be 0 or more'),
  withinDays: z
    .number()
    .int()
    .min(0, 'must be 0 (all history) or more')
    .max(MAX_WITHIN_DAYS, `must be at most ${MAX_WITHIN_DAYS}`)
    .default(0),
});

export const audienceKeySchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,63}$/,
    'must be 1 to 64 lowercase letters, digits or underscores, starting with a letter',
  );

export const audienceConditionSchema = z.object({ key: audienceKeySchema });

export const NODE_KINDS = ['all', 'any', 'not', 'trait', 'event', 'audience'] as const;

const ruleNode: z.ZodType<Rule> = z.lazy(() =>
  z
    .object({
      all: z.array(ruleNode).optional(),
      any: z.array(ruleNode).optional(),
      not: ruleNode.optional(),
      trait: traitConditionSchema.optional(),
      event: eventConditionSchema.optional(),
      audience: audienceConditionSchema.optional(),
    })
    .refine(
      (node) => NODE_KINDS.filter((kind) => node[kind] !== undefined).length === 1,
      `must set exactly one of ${NODE_KINDS.join(', ')}`,
    )
    .transform((node) => node as Rule),
);

/** A valid rule; its size is checked first, so a huge or deep input is refused before it is walked. */
export const ruleSchema = z
  .unknown()
  .superRefine((input, ctx) => {
    const { depth, nodes } = measureRule(input);
    if (depth > MAX_RULE_DEPTH)
      ctx.addIssue({ code: 'custom', message: `must nest at most ${MAX_RULE_DEPTH} levels deep` });
    if (nodes > MAX_RULE_NODES)
      ctx.addIssue({ code: 'custom', message: `must have at most ${MAX_RULE_NODES} nodes` });
  })
  .pipe(ruleNode);

/** Depth and node count of a rule-shaped input, counting no further than just past the limits. */
function measureRule(input: unknown): { depth: number; nodes: number } {
  const size = { depth: 0, nodes: 0 };
  const visit = (node: unknown, level: number): void => {
    if (typeof node !== 'object' || node === null) return;
    size.nodes += 1;
    size.depth = Math.max(size.depth, level);
    if (level > MAX_RULE_DEPTH) return;
    const { all, any, not } = node as Record<string, unknown>;
    for (const child of [...asList(all), ...asList(any), not]) {
      if (size.nodes > MAX_RULE_NODES) return;
      visit(child, level + 1);
    }
  };
  visit(input, 1);
  return size;
}

const asList = (value: unknown): readonly unknown[] =>
  Array.isArray(value) ? value.slice(0, MAX_RULE_NODES + 1) : [];

/**
 * Whom a rule is evaluated for: their traits and, for event conditions, a count of their events,
 * for audience conditions their memberships.
 */
export interface RuleSubject {
  traits: Readonly<Record<string, unknown>>;
  /** How many of the subject's events match the condition's event, `where` and window. */
  countEvents?: (condition: EventCondition) => number;
  /** Whether the subject is a member of the space's audience with this key. */
  isMemberOf?: (audienceKey: string) => boolean;
}

/**
 * Whether the subject matches. Trait conditions follow `matchesCondition` (a missing trait
 * matches nothing but `not_equals` and `exists: false`); `in` is `equals` one of the values, or
 * for a list trait `contains` one of them. Evaluating an event condition without `countEvents`,
 * or an audience condition without `isMemberOf`, throws: traits alone cannot decide them, and
 * guessing would silently misplace profiles.
 */
export function matchesRule(rule: Rule, subject: RuleSubject): boolean {
  if ('all' in rule) return rule.all.every((child) => matchesRule(child, subject));
  if ('any' in rule) return rule.any.some((child) => matchesRule(child, subject));
  if ('not' in rule) return !matchesRule(rule.not, subject);
  if ('trait' in rule) return matchesTrait(subject.traits, rule.trait);
  if ('event' in rule) return matchesEvent(rule.event, subject);
  return matchesAudience(rule.audience, subject);
}

function matchesTrait(traits: Readonly<Record<string, unknown>>, condition: TraitCondition): boolean {
  const { key, operator, value } = condition;
  if (operator === 'in') return matchesIn(traits, condition);
  if (!BY_IDENTITY.has(operator) || !comparesByIdentity(condition))
    return matchesCondition(traits, { key, operator, value });
  const actual = valueAtPath(traits, key);
  if (operator === 'equals') return actual === value;
  if (operator === 'not_equals') return actual !== value;
  return Array.isArray(actual) ? actual.includes(value) : matchesCondition(traits, { key, operator, value });
}

function matchesIn(traits: Readonly<Record<string, unknown>>, condition: TraitCondition): boolean {
  const { key, value } = condition;
  const actual = valueAtPath(traits, key);
  if (actual === undefined || !Array.isArray(value)) return false;
  if (comparesByIdentity(condition))
    return Array.isArray(actual)
      ? actual.some((item) => value.includes(item))
      : value.includes(actual as Json);
  const each = Array.isArray(actual) ? 'contains' : 'equals';
  return value.some((item) => matchesCondition(traits, { key, operator: each, value: item }));
}

/** Operators that compare by equality (`contains` on a list trait: some item equals). */
const BY_IDENTITY: ReadonlySet<RuleOperator> = new Set(['equals', 'not_equals', 'contains']);

const byIdentity = new WeakMap<TraitCondition, boolean>();

/**
 * Whether equality with the condition's value(s) is plain identity: true when the conditions
 * do not order them (not numbers, numeric strings or dates), so profiles are settled without
 * parsing both sides per comparison. Settled once per condition object (rules are not mutated).
 */
function comparesByIdentity(condition: TraitCondition): boolean {
  let identity = byIdentity.get(condition);
  if (identity === undefined) {
    const { operator, value } = condition;
    const values = operator === 'in' && Array.isArray(value) ? value : [value];
    identity = values.every((item) => isScalar(item) && !isOrdered(item));
    byIdentity.set(condition, identity);
  }
  return identity;
}

/** Whether the conditions order `value`: only an ordered value is ≤ itself. */
const isOrdered = (value: Json): boolean =>
  matchesCondition({ value }, { key: 'value', operator: 'less_or_equal', value });

function matchesEvent(condition: EventCondition, subject: RuleSubject): boolean {
  if (!subject.countEvents)
    throw new Error(
      `the rule has an event condition on "${condition.event}": evaluating it needs the profile's events (countEvents)`,
    );
  return compareCount(subject.countEvents(condition), condition.countOperator, condition.count);
}

function matchesAudience({ key }: AudienceCondition, subject: RuleSubject): boolean {
  if (!subject.isMemberOf)
    throw new Error(
      `the rule has an audience condition on "${key}": evaluating it needs the profile's audience memberships (isMemberOf)`,
    );
  return subject.isMemberOf(key);
}

/** An event count against a condition's count (the index counts without a subject). */
export function compareCount(actual: number, operator: CountOperator, expected: number): boolean {
  switch (operator) {
    case 'equals':
      return actual === expected;
    case 'not_equals':
      return actual !== expected;
    case 'greater_than':
      return actual > expected;
    case 'greater_or_equal':
      return actual >= expected;
    case 'less_than':
      return actual < expected;
    case 'less_or_equal':
      return actual <= expected;
  }
}
