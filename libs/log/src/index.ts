/**
 * Structured pino logs that carry the request they were written for, and W3C trace context.
 *
 * Main entry points: `createLogger`; `runInContext` to tag every log line written while handling
 * a request; `parseTraceparent` / `newTraceparent` / `newTraceId` for the `traceparent` header.
 *
 * @module
 */
export { type RequestContext, runInContext } from './context.js';
export { chooseLogFormat, type LogFormat, prettyLogLine } from './format.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { pooledRandomBytes } from './random-pool.js';
export { newTraceId, newTraceparent, parseTraceparent } from './trace.js';
