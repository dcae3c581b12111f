export { type ApiKeyResolver, staticApiKeys } from './auth.js';
export {
  apiKeyMetadata,
  callUnary,
  deadlineWithin,
  forwardedMetadata,
  type UnaryMethod,
} from './client.js';
export { loggingInterceptor, metricsInterceptor } from './interceptors.js';
export { metricsServer, startMetricsServer } from './metrics-server.js';
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
export { stopOnSignals } from './run-service.js';
export { createGrpcServer, type GrpcServer, type GrpcServerOptions } from './server.js';
export {
  type CallContext,
  parseRequest,
  type StreamHandler,
  serverStream,
  type UnaryHandler,
  unary,
} from './unary.js';
