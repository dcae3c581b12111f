export {
  type Infrastructure,
  type InfrastructureSource,
  type LocalServer,
  resolveInfrastructure,
  stopLocalServers,
} from './resolve.js';
export { waitForPort } from './wait-for-port.js';
