import type { Json } from './conditions.js';
import type { EventCondition, Rule, RuleOperator, TraitCondition } from './rule.js';

const SYMBOLS: Partial<Record<RuleOperator, string>> = {
  equals: '=',
  not_equals: '≠',
  greater_than: '>',
  greater_or_equal: '≥',
  less_than: '<',
  less_or_equal: '≤',
  contains: 'contains',
  in: 'in',
};

/** A readable one-line form for CLIs and docs, e.g. `age ≥ 25 and interests contains "running"`. */
export function describeRule(rule: Rule): string {
  if ('all' in rule) return describeGroup(rule.all, ' and ', 'any', 'everyone');
  if ('any' in rule) return describeGroup(rule.any, ' or ', 'all', 'nobody');
  if ('not' in rule) return describeNot(rule.not);
  if ('trait' in rule) return describeTrait(rule.trait);
  if ('event' in rule) return describeEvent(rule.event);
  return `member of audience ${rule.audience.key}`;
}

/** Children joined; a child group of the other kind is parenthesised so precedence stays visible. */
function describeGroup(children: Rule[], joiner: string, other: 'all' | 'any', empty: string): string {
  if (children.length === 0) return empty;
  return children
    .map((child) => {
      const text = describeRule(child);
      return (childrenOf(child, other)?.length ?? 0) > 1 ? `(${text})` : text;
    })
    .join(joiner);
}

function childrenOf(rule: Rule, kind: 'all' | 'any'): Rule[] | undefined {
  if (kind === 'all') return 'all' in rule ? rule.all : undefined;
  return 'any' in rule ? rule.any : undefined;
}

function describeNot(rule: Rule): string {
  if ('trait' in rule && rule.trait.operator === 'in')
    return `${rule.trait.key} not in ${describeValue(rule.trait.value)}`;
  if ('trait' in rule && rule.trait.operator === 'contains')
    return `${rule.trait.key} does not contain ${describeValue(rule.trait.value)}`;
  if ('audience' in rule) return `not member of audience ${rule.audience.key}`;
  return `not (${describeRule(rule)})`;
}

function describeTrait({ key, operator, value }: TraitCondition): string {
  if (operator === 'exists') return value === false ? `${key} is unknown` : `${key} is known`;
  return `${key} ${SYMBOLS[operator]} ${describeValue(value)}`;
}

function describeEvent({ event, where, countOperator, count, withinDays }: EventCondition): string {
  const filter = where.length > 0 ? ` where ${where.map(describeTrait).join(' and ')}` : '';
  const window = withinDays > 0 ? `, last ${withinDays} days` : '';
  return `count(${JSON.stringify(event)}${filter}${window}) ${SYMBOLS[countOperator]} ${count}`;
}

function describeValue(value: Json | undefined): string {
  if (Array.isArray(value)) return `[${value.map(describeValue).join(', ')}]`;
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
