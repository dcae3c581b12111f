export { type IsolatedInfra, isolatedInfra } from './isolation.js';
