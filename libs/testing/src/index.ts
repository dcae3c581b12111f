export { eventually } from './eventually.js';
export { failureOf } from './failure.js';
export { type IsolatedInfra, isolatedInfra } from './isolation.js';
export { storedMessages } from './stored-messages.js';
