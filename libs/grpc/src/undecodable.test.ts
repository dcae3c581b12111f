import { Client, credentials, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { createLogger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import { StrategyServiceService } from '@prism/proto/prism/strategy/v1/strategy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticApiKeys } from './auth.js';
import { createGrpcServer, type GrpcServer } from './server.js';
import { EchoService, failure, metadataOf } from './test-support.js';
import { unary } from './unary.js';

let server: GrpcServer;
let client: Client;

beforeAll(async () => {
  server = createGrpcServer({
    service: 'test',
    port: 0,
    logger: createLogger('test', { level: 'silent' }),
    apiKeys: staticApiKeys(new Map([['acme-key-0001', 'acme']])),
    descriptorSet: descriptorSet(),
  });
  const answer = unary(async () => ({}));
  server.addService(EchoService, { echo: answer, slow: answer });
  server.addService(StrategyServiceService, { selectStrategy: answer });
  client = new Client(`127.0.0.1:${await server.start()}`, credentials.createInsecure());
});

afterAll(async () => {
  client.close();
  await server.shutdown(1_000);
});

/** A request whose bytes are sent as they are, whatever the method's message. */
function callWithBytes(path: string, bytes: number[] | Buffer) {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(
      path,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.from(bytes),
      metadataOf({ 'x-api-key': 'acme-key-0001' }),
      (error, response) => (error ? reject(error) : resolve(response)),
    ),
  );
}

describe('a request that does not decode', () => {
  it('is INVALID_ARGUMENT naming the method, not INTERNAL (found by fuzzing)', async () => {
    const refused = await failure(callWithBytes(EchoService.echo.path, Buffer.from('{not json')));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toContain(`is not a ${EchoService.echo.path} request message`);
  });

  it('names the int64 field a JS number cannot hold (found by fuzzing SelectStrategy)', async () => {
    // expected_epoch (field 3) = -2^63: valid protobuf, beyond what ts-proto decodes to a number.
    const refused = await failure(
      callWithBytes(
        StrategyServiceService.selectStrategy.path,
        [24, 128, 128, 128, 128, 128, 128, 128, 128, 128, 1],
      ),
    );
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(refused).fieldViolations).toEqual([
      { field: 'expected_epoch', description: 'must be a safe integer (at most 2^53 - 1 in magnitude)' },
    ]);
  });
});
