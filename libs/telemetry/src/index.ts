/**
 * OpenTelemetry tracing for Prism's processes: `startTracing` once per process (off unless
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set or an exporter is given), and `inSpan` where work starts
 * from something that carries a W3C `traceparent` — a gRPC call, an event.
 *
 * @module
 */

export { type RecordedSpan, recordSpansInMemory } from './in-memory.js';
export { inSpan, SpanKind } from './spans.js';
export { startTracing, type Tracing, type TracingOptions } from './tracing.js';
