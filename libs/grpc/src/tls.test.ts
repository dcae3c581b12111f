import { type Client, credentials, status } from '@grpc/grpc-js';
import { createLogger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { selfSignedCertificate, type TestCertificate } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticApiKeys } from './auth.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import {
  call,
  checkHealth,
  connect,
  type EchoRequest,
  type EchoResponse,
  EchoService,
  failure,
  metadataOf,
  reflect,
} from './test-support.js';
import { channelCredentials, channelCredentialsFromEnv, serverTls } from './tls.js';
import { unary } from './unary.js';

const ACME = metadataOf({ authorization: 'Bearer acme-key-0001' });

let certificate: TestCertificate;
let server: GrpcServer;
let port: number;
const clients: Client[] = [];
const client = (channel: Parameters<typeof connect>[1]) => {
  const made = connect(port, channel);
  clients.push(made);
  return made;
};

beforeAll(async () => {
  certificate = await selfSignedCertificate();
  server = createGrpcServer({
    service: 'test',
    port: 0,
    logger: createLogger('test', { level: 'silent' }),
    apiKeys: staticApiKeys(new Map([['acme-key-0001', 'acme']])),
    descriptorSet: descriptorSet(),
    tls: serverTls({ PRISM_TLS_CERT_FILE: certificate.cert, PRISM_TLS_KEY_FILE: certificate.key }),
  });
  server.addService(EchoService, {
    echo: unary<EchoRequest, EchoResponse>(async (ctx, { text }) => ({
      text,
      spaceId: ctx.spaceId,
      traceparent: '',
    })),
    slow: unary<EchoRequest, EchoResponse>(async () => ({ text: '', spaceId: '', traceparent: '' })),
  });
  port = await server.start();
});

afterAll(async () => {
  for (const made of clients) made.close();
  await server?.shutdown(1_000);
  certificate?.remove();
});

describe('a gRPC server with a certificate and key', () => {
  it('answers a TLS client that trusts its CA', async () => {
    const trusting = client(channelCredentials({ PRISM_TLS_CA_FILE: certificate.cert }));
    expect(await call(trusting, 'echo', { text: 'hi' }, ACME)).toMatchObject({ text: 'hi', spaceId: 'acme' });
  });

  it('keeps health and reflection working over TLS', async () => {
    const trusting = client(channelCredentials({ PRISM_TLS_CA_FILE: certificate.cert }));
    expect(await checkHealth(trusting, '')).toBe('SERVING');
    expect(await checkHealth(trusting, 'prism.test.v1.EchoService')).toBe('SERVING');
    const listed = await reflect(trusting, { listServices: '' });
    expect(JSON.stringify(listed)).toContain('grpc.health.v1.Health');
  });

  it('fails a plaintext client', async () => {
    const plaintext = client(channelCredentials({}));
    const error = await failure(call(plaintext, 'echo', { text: 'hi' }, ACME));
    expect(error.code).toBe(status.UNAVAILABLE);
  });

  it('fails a TLS client that does not trust its CA', async () => {
    const untrusting = client(credentials.createSsl());
    const error = await failure(call(untrusting, 'echo', { text: 'hi' }, ACME));
    expect(error.code).toBe(status.UNAVAILABLE);
  });

  it('is trusted by command lines given PRISM_TLS_CA_FILE in the environment', async () => {
    const fromEnv = client(
      channelCredentialsFromEnv({ PRISM_TLS_CA_FILE: certificate.env.PRISM_TLS_CA_FILE }),
    );
    expect(await call(fromEnv, 'echo', { text: 'cli' }, ACME)).toMatchObject({ text: 'cli' });
  });
});

describe('serverTls', () => {
  it('serves plaintext without a certificate and key', () => {
    expect(serverTls({})).toBeUndefined();
  });
});
