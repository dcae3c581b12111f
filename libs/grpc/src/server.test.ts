import { type Client, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { createLogger, parseTraceparent } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { type Histogram, Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
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
} from './test-support.js';
import { parseRequest, unary } from './unary.js';

const ACME = { authorization: 'Bearer acme-key-0001' };
const echoRequest = z.object({
  text: z.string().min(1, 'must not be empty'),
  repeatCount: z.number().int().min(1),
});

let server: GrpcServer;
let client: Client;
let lines: Record<string, unknown>[];
const metrics = new Registry();

beforeAll(async () => {
  const logger = createLogger('test', {
    destination: { write: (line: string) => lines.push(JSON.parse(line)) },
  });
  server = createGrpcServer({
    service: 'test',
    port: 0,
    logger,
    metrics,
    apiKeys: staticApiKeys(new Map([['acme-key-0001', 'acme']])),
    descriptorSet: descriptorSet(),
  });
  const echo = unary<EchoRequest, EchoResponse>(async (ctx, request) => {
    const { text } = parseRequest(echoRequest, request);
    if (text === 'crash') throw new Error('cannot reach mongodb://admin:hunter2@db');
    if (text === 'storage down')
      throw Object.assign(new Error('connection 4 to 127.0.0.1:27017 closed'), { name: 'MongoNetworkError' });
    ctx.logger.info({ text }, 'echoing');
    return { text, spaceId: ctx.spaceId, traceparent: ctx.traceparent };
  });
  server.addService(EchoService, { echo, slow: echo });
  client = connect(await server.start());
});

afterAll(async () => {
  client.close();
  await server.shutdown(1_000);
});

beforeEach(() => {
  lines = [];
});

describe('authentication', () => {
  it.each([
    ['no key', {}],
    ['an unknown key', { authorization: 'Bearer not-a-known-key' }],
    ['another auth scheme', { authorization: 'Basic YWNtZTprZXk=' }],
  ])('refuses a call with %s as UNAUTHENTICATED', async (_, headers) => {
    const error = await failure(call(client, 'echo', { text: 'hi', repeatCount: 1 }, metadataOf(headers)));
    expect(error.code).toBe(status.UNAUTHENTICATED);
  });

  it.each<Record<string, string>>([
    ACME,
    { 'x-api-key': 'acme-key-0001' },
    { ...ACME, 'x-prism-space': 'acme' },
  ])('hands the handler the space of the key in %j', async (headers) => {
    const response = await call(client, 'echo', { text: 'hi', repeatCount: 1 }, metadataOf(headers));
    expect(response).toMatchObject({ text: 'hi', spaceId: 'acme' });
  });

  it('refuses PERMISSION_DENIED when x-prism-space names another space than the key', async () => {
    const headers = metadataOf({ ...ACME, 'x-prism-space': 'globex' });
    const error = await failure(call(client, 'echo', { text: 'hi', repeatCount: 1 }, headers));
    expect(error.code).toBe(status.PERMISSION_DENIED);
    expect(error.details).toBe('the API key does not grant access to space "globex"');
  });
});

describe('errors', () => {
  it('answers an invalid request INVALID_ARGUMENT with snake_case field violations', async () => {
    const error = await failure(call(client, 'echo', { text: '', repeatCount: 0 }, metadataOf(ACME)));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(error).fieldViolations).toEqual([
      { field: 'text', description: 'must not be empty' },
      { field: 'repeat_count', description: expect.stringContaining('>=1') },
    ]);
  });

  it('answers an unexpected throw INTERNAL, logs its stack server-side only, and keeps serving', async () => {
    const error = await failure(call(client, 'echo', { text: 'crash', repeatCount: 1 }, metadataOf(ACME)));
    expect(error.code).toBe(status.INTERNAL);
    expect(error.details).toBe('internal error');
    const logged = lines.find((line) => line.msg === 'handler failed');
    expect(logged).toMatchObject({
      level: 'error',
      spaceId: 'acme',
      method: '/prism.test.v1.EchoService/Echo',
    });
    expect(logged?.err).toMatchObject({ stack: expect.stringContaining('hunter2') });
    await expect(
      call(client, 'echo', { text: 'still here', repeatCount: 1 }, metadataOf(ACME)),
    ).resolves.toMatchObject({ text: 'still here' });
  });
});

describe('outages', () => {
  it('answers UNAVAILABLE, not INTERNAL, when storage is out of reach, without its address', async () => {
    const error = await failure(
      call(client, 'echo', { text: 'storage down', repeatCount: 1 }, metadataOf(ACME)),
    );
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).not.toContain('127.0.0.1');
    expect(lines.find((line) => line.msg === 'handler failed')).toBeUndefined();
  });
});

describe('tracing and logs', () => {
  it("continues the caller's trace in the handler and in the call's log line", async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await call(
      client,
      'echo',
      { text: 'hi', repeatCount: 1 },
      metadataOf({ ...ACME, traceparent }),
    );
    const span = parseTraceparent(response.traceparent);
    expect(span?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span?.spanId).not.toBe('00f067aa0ba902b7');
    expect(lines.find((line) => line.msg === 'echoing')).toMatchObject({
      traceId: span?.traceId,
      spaceId: 'acme',
    });
    expect(lines.find((line) => line.msg === 'grpc call')).toMatchObject({
      service: 'test',
      method: '/prism.test.v1.EchoService/Echo',
      code: 'OK',
      durationMs: expect.any(Number),
      traceId: span?.traceId,
    });
  });

  it('starts a new trace for a call without a valid traceparent and logs it under that trace', async () => {
    const headers = metadataOf({ ...ACME, traceparent: 'garbage' });
    const response = await call(client, 'echo', { text: 'hi', repeatCount: 1 }, headers);
    const traceId = parseTraceparent(response.traceparent)?.traceId;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(lines.filter((line) => line.traceId === traceId).map((line) => line.msg)).toEqual([
      'echoing',
      'grpc call',
    ]);
  });

  it('keeps health probes out of the info log', async () => {
    expect(await checkHealth(client, '')).toBe('SERVING');
    await call(client, 'echo', { text: 'hi', repeatCount: 1 }, metadataOf(ACME));
    expect(lines.filter((line) => line.msg === 'grpc call').map((line) => line.method)).toEqual([
      '/prism.test.v1.EchoService/Echo',
    ]);
  });
});

describe('metrics', () => {
  it('counts handled calls by service, method and code, and times them', async () => {
    const labels = { service: 'test', method: '/prism.test.v1.EchoService/Slow' };
    await call(client, 'slow', { text: 'hi', repeatCount: 1 }, metadataOf(ACME));
    await call(client, 'slow', { text: 'hi', repeatCount: 1 }, metadataOf(ACME));
    await failure(call(client, 'slow', { text: 'hi', repeatCount: 1 }));
    const handled = await metrics.getSingleMetric('prism_grpc_server_handled_total')?.get();
    const count = (code: string) =>
      handled?.values.find((v) => v.labels.method === labels.method && v.labels.code === code)?.value;
    expect([count('OK'), count('UNAUTHENTICATED')]).toEqual([2, 1]);
    const seconds = await (metrics.getSingleMetric('prism_grpc_server_handling_seconds') as Histogram).get();
    const observed = seconds.values.find(
      (v) => v.metricName === 'prism_grpc_server_handling_seconds_count' && v.labels.method === labels.method,
    );
    expect(observed).toMatchObject({ labels, value: 3 });
  });
});
