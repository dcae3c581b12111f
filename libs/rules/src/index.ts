export * from './conditions.js';
export * from './describe.js';
export * from './rule.js';
export * from './rule-proto.js';
