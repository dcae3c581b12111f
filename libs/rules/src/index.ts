export * from './conditions.js';
export * from './rule.js';
