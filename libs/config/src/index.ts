export { ConfigError, type Env, exitOnConfigError, loadConfig } from './config.js';
export { apiKeys, commonEnv, grpcAddress, LOG_LEVELS, port, url } from './fields.js';
