export { type RequestContext, requestContext, runInContext } from './context.js';
export { createLogger, type Logger, type LoggerOptions } from './logger.js';
export { newTraceId, newTraceparent, parseTraceparent, type TraceParent } from './trace.js';
