import { Client, credentials, Metadata, type ServiceError, status } from '@grpc/grpc-js';
import { Unavailable } from '@prism/errors';
import { afterAll, describe, expect, it } from 'vitest';
import { dependencyFailure } from './client.js';

const client = new Client('127.0.0.1:50051', credentials.createInsecure());
afterAll(() => client.close());

const downstream = (code: status, details: string): ServiceError =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });

describe('dependencyFailure', () => {
  it.each([
    [status.UNAVAILABLE, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:50051'],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded after 5.001s'],
  ])(
    'answers a dependency that is unreachable (%s) as Unavailable naming it and its address',
    (code, cause) => {
      const failure = dependencyFailure('strategy', client, downstream(code, cause));
      expect(failure).toBeInstanceOf(Unavailable);
      expect(failure.message).toBe(`strategy service unavailable at 127.0.0.1:50051: ${cause}`);
    },
  );

  it('passes any other failure of the dependency on as it is', () => {
    const denied = downstream(status.PERMISSION_DENIED, 'key not valid for space "globex"');
    expect(dependencyFailure('strategy', client, denied)).toBe(denied);
  });
});
