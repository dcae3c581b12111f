/**
 * gRPC plumbing every Prism service shares: a server with API-key auth, logging, metrics and
 * reflection; handlers that validate requests with zod and answer errors as rich statuses; the
 * request fields the APIs have in common; and the client side of calls between services.
 *
 * Main entry points: `createGrpcServer`, `unary` / `serverStream` with `parseRequest` for
 * handlers, the zod fields of request-fields (`resourceId`, `expectedEpoch`, `pageRequest`, …),
 * and `callUnary` with `apiKeyMetadata` / `forwardedMetadata` for clients; `serverTls` and
 * `channelCredentials` decide TLS or plaintext from the config, for servers and clients alike.
 *
 * @module
 */
export { type ApiKeyResolver, staticApiKeys } from './auth.js';
export {
  apiKeyMetadata,
  callUnary,
  deadlineWithin,
  dependencyFailure,
  forwardedMetadata,
  type UnaryMethod,
} from './client.js';
export { startMetricsServer } from './metrics-server.js';
export {
  ageRange,
  expectedEpoch,
  expectedVersion,
  genderList,
  optionalResourceId,
  pageRequest,
  pageTokenAfter,
  protoEnum,
  required,
  requiredText,
  resourceId,
  textList,
  trimmed,
} from './request-fields.js';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './server.js';
export {
  channelCredentials,
  channelCredentialsFromEnv,
  type ServerTls,
  serverTls,
  type TlsConfig,
} from './tls.js';
export {
  type CallContext,
  parseRequest,
  type StreamHandler,
  serverStream,
  type UnaryHandler,
  unary,
} from './unary.js';
