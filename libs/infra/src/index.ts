/**
 * The real NATS and Mongo-wire servers that tests, benchmarks and the local deployment run
 * against: taken from the environment, started as testcontainers, or started from the local
 * binaries deploy/local installs.
 *
 * Main entry points: `resolveInfrastructure` (and `release()` on what it returns),
 * `stopLocalServers`, and `waitForPort`.
 *
 * @module
 */
export { type Infrastructure, resolveInfrastructure, stopLocalServers } from './resolve.js';
export { waitForPort } from './wait-for-port.js';
