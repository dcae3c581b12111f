import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { metricsServer, startMetricsServer } from './metrics-server.js';

const servers: Server[] = [];
afterEach(() =>
  Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve)))),
);

function registryWithCounter(): Registry {
  const registry = new Registry();
  new Counter({ name: 'prism_test_total', help: 'test', registers: [registry] }).inc(3);
  return registry;
}

async function listening(server: Server, port = 0): Promise<string> {
  servers.push(server);
  if (!server.listening) await once(server.listen(port, '127.0.0.1'), 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('metricsServer', () => {
  it('serves the registry at /metrics in Prometheus text format', async () => {
    const base = await listening(metricsServer(registryWithCounter()));
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('prism_test_total 3');
  });

  it('answers /healthz with ok and anything else with 404', async () => {
    const base = await listening(metricsServer(new Registry()));
    const healthz = await fetch(`${base}/healthz`);
    expect([healthz.status, await healthz.text()]).toEqual([200, 'ok\n']);
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});

describe('startMetricsServer', () => {
  it('starts nothing when the port is 0', async () => {
    expect(await startMetricsServer(new Registry(), 0)).toBeUndefined();
  });

  it('listens on the given port', async () => {
    // Borrow a free port from the OS, then hand it over.
    const probe = createServer();
    await once(probe.listen(0, '127.0.0.1'), 'listening');
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));

    const server = await startMetricsServer(registryWithCounter(), port);
    expect(server).toBeDefined();
    const base = await listening(server as Server);
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('prism_test_total 3');
  });
});
