import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { resolveInfrastructure } from './resolve.js';
import { waitForPort } from './wait-for-port.js';

describe('where the servers come from', () => {
  it('uses NATS_URL and MONGO_URL from the environment first, starting nothing', async () => {
    const infra = await resolveInfrastructure({
      NATS_URL: 'nats://10.1.2.3:4222',
      MONGO_URL: 'mongodb://db:27017/',
    });
    expect(infra).toMatchObject({
      natsUrl: 'nats://10.1.2.3:4222',
      mongoUrl: 'mongodb://db:27017/',
      source: 'environment',
      startedLocally: [],
    });
  });

  it('waits until a port accepts connections, and gives up after its timeout', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    await expect(waitForPort(port, 1_000)).resolves.toBeUndefined();
    await new Promise((done) => server.close(done));
    await expect(waitForPort(port, 300)).rejects.toThrow(`127.0.0.1:${port}`);
  });
});
