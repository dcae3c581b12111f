import { ComparisonOperator, type Condition as ProtoCondition } from '@prism/proto/prism/profile/v1/profile';
import type { Condition, ConditionOperator } from './conditions.js';

/**
 * The wire number of each flat-condition operator (`prism.profile.v1.ComparisonOperator`): the
 * conditions of computed traits and profile search, written by the profile service and by the
 * services that ask it to count events.
 */
export const COMPARISON_OPERATORS: Readonly<Record<ConditionOperator, ComparisonOperator>> = {
  equals: ComparisonOperator.COMPARISON_OPERATOR_EQUALS,
  not_equals: ComparisonOperator.COMPARISON_OPERATOR_NOT_EQUALS,
  greater_than: ComparisonOperator.COMPARISON_OPERATOR_GREATER_THAN,
  greater_or_equal: ComparisonOperator.COMPARISON_OPERATOR_GREATER_OR_EQUAL,
  less_than: ComparisonOperator.COMPARISON_OPERATOR_LESS_THAN,
  less_or_equal: ComparisonOperator.COMPARISON_OPERATOR_LESS_OR_EQUAL,
  contains: ComparisonOperator.COMPARISON_OPERATOR_CONTAINS,
  exists: ComparisonOperator.COMPARISON_OPERATOR_EXISTS,
};

/** Whether an operator name is a flat condition's (a rule's `in` is not). */
export const isConditionOperator = (operator: string): operator is ConditionOperator =>
  Object.hasOwn(COMPARISON_OPERATORS, operator);

export function conditionToProto({ key, operator, value }: Condition): ProtoCondition {
  return { key, operator: COMPARISON_OPERATORS[operator], value };
}
