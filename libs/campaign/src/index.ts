export * from './campaign-events.js';
export * from './campaign-follower.js';
export * from './campaign-state-store.js';
export * from './epoch-rule.js';
export * from './strategy-lookups.js';
export * from './write-at-epoch.js';
