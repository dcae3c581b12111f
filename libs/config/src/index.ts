/**
 * A service's configuration from its environment, validated with zod, failing at start with a
 * readable message rather than later with an odd one.
 *
 * Main entry points: `loadConfig` (wrapped in `exitOnConfigError` in a `main`), `commonEnv`
 * (the variables every service reads) and the field builders `port`, `grpcAddress` and
 * `wholeNumber`; `clientTlsEnv` is the TLS variable of command lines that call services.
 *
 * @module
 */
export { type Env, exitOnConfigError, loadConfig } from './config.js';
export { clientTlsEnv, commonEnv, grpcAddress, type PemText, port, wholeNumber } from './fields.js';
