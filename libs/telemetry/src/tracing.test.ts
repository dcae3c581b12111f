import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTraceparent } from '@prism/log';
import { afterEach, describe, expect, it } from 'vitest';
import { inSpan, SpanKind } from './spans.js';
import { startTracing, type Tracing } from './tracing.js';

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

const CALLER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

/** An OTLP/HTTP collector on loopback: it keeps the body of every POST to /v1/traces. */
async function collector() {
  const received: string[] = [];
  const server = createServer(async (request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method === 'POST' && request.url === '/v1/traces')
      received.push(Buffer.concat(chunks).toString());
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, received, close: () => server.close() };
}

describe('tracing', () => {
  it('is off without OTEL_EXPORTER_OTLP_ENDPOINT: the trace continues in the logs, nothing is recorded', async () => {
    tracing = await startTracing({ service: 'strategy', env: {} });
    const handedOn = await inSpan('work', SpanKind.SERVER, CALLER, async (traceparent) => traceparent);
    expect(parseTraceparent(handedOn)?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(handedOn).not.toBe(CALLER);
  });

  it('exports spans over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT, children of the caller’s span', async () => {
    const otlp = await collector();
    try {
      tracing = await startTracing({
        service: 'strategy',
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.endpoint}/` },
      });
      await inSpan(
        '/prism.strategy.v1.StrategyService/SetAudienceApproach',
        SpanKind.SERVER,
        CALLER,
        async () => {},
      );
      await tracing.flush();
      const [body] = otlp.received;
      expect(body).toContain('"stringValue":"strategy"');
      expect(body).toContain('SetAudienceApproach');
      expect(body).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
    } finally {
      otlp.close();
    }
  });
});
