import { status } from '@grpc/grpc-js';
import { PrismError } from '@prism/errors';
import { describe, expect, it } from 'vitest';
import { authenticate, staticApiKeys } from './auth.js';
import { metadataOf } from './test-support.js';

const keys = staticApiKeys(
  new Map([
    ['acme-key-0001', 'acme'],
    ['globex-key-0002', 'globex'],
  ]),
);

async function refusal(pending: Promise<unknown>): Promise<status> {
  try {
    await pending;
  } catch (error) {
    if (error instanceof PrismError) return error.grpcCode;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('staticApiKeys', () => {
  it('finds the space of each known key and nothing for anything else', async () => {
    expect(await keys.spaceOf('acme-key-0001')).toBe('acme');
    expect(await keys.spaceOf('globex-key-0002')).toBe('globex');
    for (const unknown of ['', 'acme-key-000', 'acme-key-00011', 'ACME-KEY-0001']) {
      expect(await keys.spaceOf(unknown)).toBeUndefined();
    }
  });
});

describe('authenticate', () => {
  it('reads the key from a bearer token, case-insensitively, or from x-api-key', async () => {
    expect(await authenticate(keys, metadataOf({ authorization: 'bearer globex-key-0002' }))).toBe('globex');
    expect(await authenticate(keys, metadataOf({ 'x-api-key': 'acme-key-0001' }))).toBe('acme');
  });

  it('prefers the authorization header over x-api-key', async () => {
    const metadata = metadataOf({ authorization: 'Bearer acme-key-0001', 'x-api-key': 'globex-key-0002' });
    expect(await authenticate(keys, metadata)).toBe('acme');
  });

  it('refuses a missing or unknown key as UNAUTHENTICATED and a foreign space as PERMISSION_DENIED', async () => {
    expect(await refusal(authenticate(keys, metadataOf({})))).toBe(status.UNAUTHENTICATED);
    expect(await refusal(authenticate(keys, metadataOf({ 'x-api-key': 'nope-nope' })))).toBe(
      status.UNAUTHENTICATED,
    );
    const foreign = metadataOf({ 'x-api-key': 'acme-key-0001', 'x-prism-space': 'globex' });
    expect(await refusal(authenticate(keys, foreign))).toBe(status.PERMISSION_DENIED);
  });
});
