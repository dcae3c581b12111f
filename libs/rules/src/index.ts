/**
 * The rule language of `prism.rules.v1`: which profiles a segment, persona or audience holds, by
 * trait, event and audience-membership conditions. Validated with zod, matched in memory,
 * converted to and from the proto, and described in one readable line.
 *
 * Main entry points: `Rule` with `ruleSchema`, `matchesRule`, `ruleToProto` / `ruleFromProto`
 * and `describeRule`; `protoPathOf` names a domain rule's issue path by its proto fields;
 * `audienceKeysOf`, `eventConditionsOf` and `traitKeysOf` list what a rule refers to;
 * `Condition` with `conditionSchema` and `matchesCondition` for the flat conditions of computed
 * traits and profile search, and `conditionToProto` / `COMPARISON_OPERATORS` for their wire form;
 * `numericValue` and `orderable` read a value as the orderings do.
 *
 * @module
 */
export {
  type Condition,
  type ConditionOperator,
  conditionList,
  conditionListOf,
  conditionSchema,
  isScalar,
  type Json,
  matchesCondition,
  numericValue,
  orderable,
  propertyPath,
  type Scalar,
  valueAtPath,
} from './conditions.js';
export { COMPARISON_OPERATORS, conditionToProto, isConditionOperator } from './conditions-proto.js';
export { describeRule } from './describe.js';
export { protoPathOf } from './proto-path.js';
export {
  type AudienceCondition,
  audienceKeySchema,
  type CountOperator,
  compareCount,
  type EventCondition,
  MAX_IN_VALUES,
  matchesRule,
  type Rule,
  type RuleOperator,
  type RuleSubject,
  ruleSchema,
  type TraitCondition,
} from './rule.js';
export { ruleFromProto, ruleToProto } from './rule-proto.js';
export { audienceKeysOf, eventConditionsOf, traitKeysOf } from './rule-references.js';
