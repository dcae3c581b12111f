// Test support: a tiny JSON-encoded service and promise-based clients for it, health and reflection.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type ChannelCredentials,
  Client,
  credentials,
  Metadata,
  type MethodDefinition,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { failureOf } from '@prism/testing';
import { service as healthService } from 'grpc-health-check';

export interface EchoRequest {
  text: string;
  repeatCount?: number;
}

export interface EchoResponse {
  text: string;
  spaceId: string;
  traceparent: string;
}

const json = <T>(): Pick<
  MethodDefinition<T, T>,
  'requestSerialize' | 'requestDeserialize' | 'responseSerialize' | 'responseDeserialize'
> => ({
  requestSerialize: (value) => Buffer.from(JSON.stringify(value)),
  requestDeserialize: (bytes) => JSON.parse(bytes.toString()),
  responseSerialize: (value) => Buffer.from(JSON.stringify(value)),
  responseDeserialize: (bytes) => JSON.parse(bytes.toString()),
});

const unaryMethod = (name: string) => ({
  path: `/prism.test.v1.EchoService/${name}`,
  requestStream: false,
  responseStream: false,
  ...json(),
});

export const EchoService = {
  echo: unaryMethod('Echo'),
  slow: unaryMethod('Slow'),
} satisfies ServiceDefinition;

export function connect(port: number, channel: ChannelCredentials = credentials.createInsecure()): Client {
  return new Client(`127.0.0.1:${port}`, channel);
}

export function metadataOf(entries: Record<string, string>): Metadata {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return metadata;
}

export function call(
  client: Client,
  method: keyof typeof EchoService,
  request: EchoRequest,
  metadata = new Metadata(),
): Promise<EchoResponse> {
  const { path, requestSerialize, responseDeserialize } = EchoService[method];
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      path,
      requestSerialize,
      responseDeserialize,
      request,
      metadata,
      (error, response) => (error ? reject(error) : resolve(response as EchoResponse)),
    );
  });
}

/** The error a call fails with; fails the test when the call succeeds. */
export const failure = (pending: Promise<unknown>) => failureOf<ServiceError>(pending);

export function checkHealth(client: Client, service: string): Promise<string> {
  const { path, requestSerialize, responseDeserialize } = methodOf(healthService, 'Check');
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(path, requestSerialize, responseDeserialize, { service }, (error, response) =>
      error ? reject(error) : resolve((response as { status: string }).status),
    );
  });
}

export function watchHealth(client: Client, service: string) {
  const { path, requestSerialize, responseDeserialize } = methodOf(healthService, 'Watch');
  return client.makeServerStreamRequest(path, requestSerialize, responseDeserialize, { service });
}

const reflectionProto = join(
  dirname(createRequire(import.meta.url).resolve('@grpc/reflection')),
  '../proto/grpc/reflection/v1/reflection.proto',
);
const reflection = loadSync(reflectionProto)['grpc.reflection.v1.ServerReflection'] as ServiceDefinition;

function methodOf(definition: Record<string, unknown>, name: string) {
  const method = definition[name];
  if (!method) throw new Error(`no method ${name}`);
  return method as MethodDefinition<object, object>;
}

/** One reflection request, as grpcurl sends them; resolves to the first response. */
export function reflect(client: Client, request: Record<string, string>): Promise<Record<string, unknown>> {
  const method = methodOf(reflection, 'ServerReflectionInfo');
  const stream = client.makeBidiStreamRequest(
    method.path,
    method.requestSerialize,
    method.responseDeserialize,
  );
  return new Promise((resolve, reject) => {
    stream.once('data', (response) => {
      resolve(response as Record<string, unknown>);
      stream.end();
    });
    stream.once('error', reject);
    stream.write(request);
  });
}
