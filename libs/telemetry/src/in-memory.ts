import { startTracing } from './tracing.js';

/** A finished span as tests read it. */
export interface RecordedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  attributes: Readonly<Record<string, unknown>>;
}

/**
 * Tracing of this process into memory, for tests that follow a trace across the services they run
 * in-process. `spans()` exports what is buffered first; `stop()` turns tracing off again.
 */
export async function recordSpansInMemory() {
  const { InMemorySpanExporter } = await import('@opentelemetry/sdk-trace');
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing({ service: 'prism-test', exporter });
  return {
    async spans(): Promise<RecordedSpan[]> {
      await tracing.flush();
      return exporter.getFinishedSpans().map((span) => ({
        name: span.name,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        parentSpanId: span.parentSpanContext?.spanId,
        attributes: span.attributes,
      }));
    },
    stop: () => tracing.shutdown(),
  };
}
