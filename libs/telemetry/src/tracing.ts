import { trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';

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
 * tracing stays off and spans cost nothing. The SDK and the exporter are loaded only then: they
 * are a few hundred milliseconds of every start on a busy machine.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  const env = options.env ?? process.env;
  // The base endpoint of the OTLP spec, given here so the env passed in decides, not process.env.
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  if (!options.exporter && !endpoint) return { flush: async () => {}, shutdown: async () => {} };
  const [{ BatchSpanProcessor, TracerProvider }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
  ]);
  const exporter =
    options.exporter ??
    new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({
      url: `${endpoint}/v1/traces`,
    });
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
