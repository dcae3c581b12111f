import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, TracerProvider } from '@opentelemetry/sdk-trace';

export interface Tracing {
  /** Exports what is buffered now. */
  flush(): Promise<void>;
  /** Exports what is still buffered, then stops recording. */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Names the process's spans (`service.name`). */
  service: string;
  /** Where spans go; OTLP over HTTP to `OTEL_EXPORTER_OTLP_ENDPOINT` unless given. */
  exporter?: SpanExporter;
  env?: NodeJS.ProcessEnv;
}

/**
 * Records spans for this process when an exporter is given or `OTEL_EXPORTER_OTLP_ENDPOINT` is
 * set (the OTLP exporter reads the rest of the standard OTEL_* variables itself); otherwise
 * tracing stays off and spans cost nothing.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  // The base endpoint of the OTLP spec, given here so the env passed in decides, not process.env.
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const exporter =
    options.exporter ?? (endpoint ? new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) : undefined);
  if (!exporter) return { flush: async () => {}, shutdown: async () => {} };
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.service }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    flush: () => provider.forceFlush(),
    async shutdown() {
      await provider.shutdown();
      trace.disable();
    },
  };
}
