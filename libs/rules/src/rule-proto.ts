import { type FieldViolation, InvalidArgument } from '@prism/errors';
import {
  Operator,
  type EventCondition as ProtoEventCondition,
  type Rule as ProtoRule,
  type TraitCondition as ProtoTraitCondition,
} from '@prism/proto/prism/rules/v1/rule';
import { protoPathOf } from './proto-path.js';
import {
  COUNT_OPERATORS,
  type EventCondition,
  NODE_KINDS,
  RULE_OPERATORS,
  type Rule,
  type RuleOperator,
  ruleSchema,
  type TraitCondition,
} from './rule.js';

const OPERATORS: Record<RuleOperator, Operator> = {
  equals: Operator.OPERATOR_EQUALS,
  not_equals: Operator.OPERATOR_NOT_EQUALS,
  greater_than: Operator.OPERATOR_GREATER_THAN,
  greater_or_equal: Operator.OPERATOR_GREATER_OR_EQUAL,
  less_than: Operator.OPERATOR_LESS_THAN,
  less_or_equal: Operator.OPERATOR_LESS_OR_EQUAL,
  contains: Operator.OPERATOR_CONTAINS,
  exists: Operator.OPERATOR_EXISTS,
  in: Operator.OPERATOR_IN,
};

export function ruleToProto(rule: Rule): ProtoRule {
  if ('all' in rule) return { node: { $case: 'all', value: { rules: rule.all.map(ruleToProto) } } };
  if ('any' in rule) return { node: { $case: 'any', value: { rules: rule.any.map(ruleToProto) } } };
  if ('not' in rule) return { node: { $case: 'not', value: ruleToProto(rule.not) } };
  if ('trait' in rule) return { node: { $case: 'trait', value: traitToProto(rule.trait) } };
  if ('event' in rule) return { node: { $case: 'event', value: eventToProto(rule.event) } };
  return { node: { $case: 'audience', value: { audienceKey: rule.audience.key } } };
}

function traitToProto({ key, operator, value }: TraitCondition): ProtoTraitCondition {
  return { key, operator: OPERATORS[operator], value };
}

function eventToProto(condition: EventCondition): ProtoEventCondition {
  return {
    event: condition.event,
    where: condition.where.map(traitToProto),
    countOperator: OPERATORS[condition.countOperator],
    count: condition.count,
    withinDays: condition.withinDays,
  };
}

/**
 * A proto rule as a valid domain rule. Throws `InvalidArgument` naming each offending field by
 * its proto path under `field`, e.g. `rule.all.rules[1].trait.operator`: first the node and
 * operator fields the domain cannot even represent, otherwise whatever `ruleSchema` refuses.
 */
export function ruleFromProto(proto: ProtoRule, field = 'rule'): Rule {
  const violations: FieldViolation[] = [];
  const rule = readRule(proto, field, violations);
  if (violations.length > 0) throw new InvalidArgument(violations);
  const result = ruleSchema.safeParse(rule);
  if (result.success) return result.data;
  throw new InvalidArgument(
    result.error.issues.map((issue) => ({
      field: [field, protoPathOf(issue.path)].filter(Boolean).join('.'),
      description: issue.message,
    })),
  );
}

function readRule(proto: ProtoRule, path: string, violations: FieldViolation[]): Rule {
  const node = proto.node;
  switch (node?.$case) {
    case 'all':
    case 'any': {
      const children = node.value.rules.map((child, index) =>
        readRule(child, `${path}.${node.$case}.rules[${index}]`, violations),
      );
      return node.$case === 'all' ? { all: children } : { any: children };
    }
    case 'not':
      return { not: readRule(node.value, `${path}.not`, violations) };
    case 'trait':
      return { trait: readTrait(node.value, `${path}.trait`, violations) };
    case 'event':
      return { event: readEvent(node.value, `${path}.event`, violations) };
    case 'audience':
      return { audience: { key: node.value.audienceKey } };
    default:
      violations.push({ field: path, description: `must set one of ${NODE_KINDS.join(', ')}` });
      return { all: [] };
  }
}

function readTrait(proto: ProtoTraitCondition, path: string, violations: FieldViolation[]): TraitCondition {
  const operator = readOperator(RULE_OPERATORS, proto.operator, `${path}.operator`, violations);
  return { key: proto.key, operator, ...(proto.value === undefined ? {} : { value: proto.value }) };
}

function readEvent(proto: ProtoEventCondition, path: string, violations: FieldViolation[]): EventCondition {
  return {
    event: proto.event,
    where: proto.where.map((condition, index) => readTrait(condition, `${path}.where[${index}]`, violations)),
    countOperator: readOperator(COUNT_OPERATORS, proto.countOperator, `${path}.count_operator`, violations),
    count: proto.count,
    withinDays: proto.withinDays,
  };
}

/** UNSPECIFIED, unknown numbers and operators outside `allowed` are violations naming the field. */
function readOperator<Name extends RuleOperator>(
  allowed: readonly Name[],
  value: Operator,
  field: string,
  violations: FieldViolation[],
): Name {
  const name = allowed.find((candidate) => OPERATORS[candidate] === value);
  if (name === undefined) {
    const expected = allowed.map((candidate) => candidate.toUpperCase()).join(', ');
    violations.push({ field, description: `must be one of ${expected} (got ${value})` });
  }
  return name ?? (allowed[0] as Name);
}
