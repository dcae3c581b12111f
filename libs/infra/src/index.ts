export { resolveInfrastructure, type Infrastructure, type InfrastructureSource } from './resolve.js';
