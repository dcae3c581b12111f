export { DEFAULT_RULE_OPTIONS, deriveSegmentRules, type SegmentRuleOptions } from './derive.js';
