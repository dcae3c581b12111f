import { type Client, status } from '@grpc/grpc-js';
import { createLogger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { afterEach, describe, expect, it } from 'vitest';
import { staticApiKeys } from './auth.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import {
  call,
  checkHealth,
  connect,
  type EchoResponse,
  EchoService,
  failure,
  metadataOf,
  reflect,
  watchHealth,
} from './test-support.js';
import { unary } from './unary.js';

const ACME = metadataOf({ 'x-api-key': 'acme-key-0001' });
const opened: { server: GrpcServer; client: Client }[] = [];

/** A server whose `slow` method answers only once `release` is called. */
async function startServer() {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const server = createGrpcServer({
    service: 'test',
    port: 0,
    logger: createLogger('test', { level: 'silent' }),
    apiKeys: staticApiKeys(new Map([['acme-key-0001', 'acme']])),
    descriptorSet: descriptorSet(),
  });
  const answer = async (): Promise<EchoResponse> => ({ text: 'done', spaceId: '', traceparent: '' });
  server.addService(EchoService, {
    echo: unary(answer),
    slow: unary(async () => {
      await released;
      return answer();
    }),
  });
  const client = connect(await server.start());
  opened.push({ server, client });
  return { server, client, release };
}

afterEach(async () => {
  for (const { server, client } of opened.splice(0)) {
    client.close();
    await server.shutdown(100);
  }
});

describe('health', () => {
  it('reports SERVING for the whole server and each added service once started', async () => {
    const { client } = await startServer();
    expect(await checkHealth(client, '')).toBe('SERVING');
    expect(await checkHealth(client, 'prism.test.v1.EchoService')).toBe('SERVING');
    expect((await failure(checkHealth(client, 'prism.other.v1.Nope'))).code).toBe(status.NOT_FOUND);
  });
});

describe('reflection', () => {
  it('lists the services of the proto files, health and reflection, and serves their descriptors', async () => {
    const { client } = await startServer();
    const listed = await reflect(client, { listServices: '' });
    const names = (listed.listServicesResponse as { service: { name: string }[] }).service.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'prism.strategy.v1.StrategyService',
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
      ]),
    );
    const described = await reflect(client, { fileContainingSymbol: 'prism.strategy.v1.StrategyService' });
    const files = (described.fileDescriptorResponse as { fileDescriptorProto: Buffer[] }).fileDescriptorProto;
    expect(files.some((file) => file.includes('SetAudienceApproach'))).toBe(true);
  });
});

describe('shutdown', () => {
  it('turns NOT_SERVING, lets an in-flight call finish, then refuses new calls', async () => {
    const { server, client, release } = await startServer();
    const statuses: string[] = [];
    const watch = watchHealth(client, '');
    watch.on('error', () => {}); // cancelled below, on purpose
    const notServing = new Promise<void>((resolve) =>
      watch.on('data', ({ status }: { status: string }) => {
        statuses.push(status);
        if (status === 'NOT_SERVING') resolve();
      }),
    );
    const inFlight = call(client, 'slow', { text: '' }, ACME);
    await new Promise((resolve) => setTimeout(resolve, 50)); // let the call reach its handler

    const stopped = server.shutdown(5_000);
    await notServing;
    watch.cancel();
    release();
    await expect(inFlight).resolves.toMatchObject({ text: 'done' });
    await stopped;
    expect(statuses).toEqual(['SERVING', 'NOT_SERVING']);
    expect((await failure(call(client, 'echo', { text: '' }, ACME))).code).toBe(status.UNAVAILABLE);
  });

  it('cancels calls still running when the grace period ends', async () => {
    const { server, client } = await startServer();
    const inFlight = failure(call(client, 'slow', { text: '' }, ACME));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.shutdown(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect((await inFlight).code).toBe(status.CANCELLED);
  });
});
