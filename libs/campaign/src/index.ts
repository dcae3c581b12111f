export * from './campaign-events.js';
export * from './campaign-follower.js';
export * from './campaign-state.js';
export * from './campaign-states.js';
export * from './strategy-lookups.js';
export * from './write-at-epoch.js';
