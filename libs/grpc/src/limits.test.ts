import { type Client, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { createLogger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticApiKeys } from './auth.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import { call, connect, EchoService, failure, metadataOf } from './test-support.js';
import { unary } from './unary.js';

const ACME = metadataOf({ 'x-api-key': 'acme-key-0001' });
const GLOBEX = metadataOf({ 'x-api-key': 'globex-key-0001' });

let server: GrpcServer;
let client: Client;

beforeAll(async () => {
  server = createGrpcServer({
    service: 'test',
    port: 0,
    logger: createLogger('test', { level: 'silent' }),
    apiKeys: staticApiKeys(
      new Map([
        ['acme-key-0001', 'acme'],
        ['globex-key-0001', 'globex'],
      ]),
    ),
    descriptorSet: descriptorSet(),
    rateLimit: { ratePerSecond: 0.1, burst: 2 },
  });
  const echo = unary(async (ctx, request: { text: string }) => ({ ...request, spaceId: ctx.spaceId }));
  server.addService(EchoService, { echo, slow: echo });
  client = connect(await server.start());
});

afterAll(async () => {
  client.close();
  await server.shutdown(1_000);
});

describe('the per-space rate limit', () => {
  it('answers RESOURCE_EXHAUSTED with a RetryInfo once a space spent its burst, and no other space is slowed', async () => {
    await call(client, 'echo', { text: 'one' }, ACME);
    await call(client, 'echo', { text: 'two' }, ACME);
    const refused = await failure(call(client, 'echo', { text: 'three' }, ACME));
    expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
    const { retryDelayMs } = readErrorDetails(refused);
    expect(retryDelayMs).toBeGreaterThan(0);
    expect(retryDelayMs).toBeLessThanOrEqual(10_000);
    await expect(call(client, 'echo', { text: 'other' }, GLOBEX)).resolves.toMatchObject({
      spaceId: 'globex',
    });
  });

  it('counts only authenticated calls: an unknown key is UNAUTHENTICATED, not rate limited', async () => {
    const unknown = metadataOf({ 'x-api-key': 'nobody-key-0001' });
    for (let i = 0; i < 3; i++)
      expect((await failure(call(client, 'echo', { text: 'x' }, unknown))).code).toBe(status.UNAUTHENTICATED);
  });
});
