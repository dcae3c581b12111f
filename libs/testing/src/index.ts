export { isolatedInfra, type IsolatedInfra } from './isolation.js';
