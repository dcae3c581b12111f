import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

/** An HTTP server (not yet listening) answering `GET /metrics` from `registry` and `GET /healthz`. */
export function metricsServer(registry: Registry): Server {
  return createServer((request, response) => {
    const path = request.url?.split('?')[0];
    if (request.method !== 'GET' || (path !== '/metrics' && path !== '/healthz')) {
      response.writeHead(404).end();
      return;
    }
    // Liveness only: the process answers. Readiness is the gRPC health service's job.
    if (path === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${error}\n`),
    );
  });
}

/** Serves `metricsServer(registry)` on `port`; port 0 means metrics are off and nothing is started. */
export async function startMetricsServer(
  registry: Registry,
  port: number,
  host = '127.0.0.1',
): Promise<Server | undefined> {
  if (port === 0) return undefined;
  const server = metricsServer(registry);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
