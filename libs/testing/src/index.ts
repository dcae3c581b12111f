/**
 * @prism/testing — the one home of test helpers: the vitest global setup that provides a real NATS
 * and Mongo-wire server (`./global-setup`), `isolatedInfra()` for a file's own subject prefix and
 * databases on them, and the multi-service test world (`./world`: `startWorld`, each service's
 * starter passed in as a value, since libs never import services), and `selfSignedCertificate()`
 * for tests of TLS.
 *
 * @module
 */
export { eventually } from './eventually.js';
export { failureOf } from './failure.js';
export { type IsolatedInfra, isolatedInfra } from './isolation.js';
export { storedMessages } from './stored-messages.js';
export { selfSignedCertificate, type TestCertificate } from './tls.js';
