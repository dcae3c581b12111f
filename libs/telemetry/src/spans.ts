import {
  type Attributes,
  context,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { newTraceparent, parseTraceparent } from '@prism/log';

export { SpanKind };

const tracer = () => trace.getTracer('prism');

/**
 * Runs `work` in a span whose parent is the W3C `traceparent` it was caused by (an incoming call's
 * header, an event's extension). `work` receives the span's own traceparent to hand on, so calls
 * and events it causes become its children. Without a tracer provider (tracing off) nothing is
 * recorded and the traceparent is a fresh span id in the same trace, as Prism logs them anyway.
 */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: string | undefined,
  work: (traceparent: string) => Promise<T>,
  attributes?: Attributes,
): Promise<T> {
  const caller = parseTraceparent(parent);
  const parentContext = caller ? trace.setSpanContext(ROOT_CONTEXT, remoteSpan(caller)) : ROOT_CONTEXT;
  const span = tracer().startSpan(name, { kind, ...(attributes && { attributes }) }, parentContext);
  const own = span.spanContext();
  const traceparent = span.isRecording() ? traceparentOf(own) : newTraceparent(caller?.traceId);
  try {
    return await context.with(trace.setSpan(parentContext, span), () => work(traceparent));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: error instanceof Error ? error.message : String(error),
    });
    throw error;
  } finally {
    span.end();
  }
}

function remoteSpan({ traceId, spanId }: { traceId: string; spanId: string }): SpanContext {
  return { traceId, spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true };
}

function traceparentOf({ traceId, spanId, traceFlags }: SpanContext): string {
  return `00-${traceId}-${spanId}-0${traceFlags & TraceFlags.SAMPLED}`;
}
