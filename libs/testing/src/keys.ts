import type { Metadata } from '@grpc/grpc-js';
import { apiKeyMetadata } from '@prism/grpc';

/** The spaces every test world knows, each with its static API key (`PRISM_API_KEYS` of every service). */
export const TEST_API_KEYS = { acme: 'acme-key-0001', globex: 'globex-key-0002' } as const;

export type TestSpace = keyof typeof TEST_API_KEYS;

/** The operator key of a test world's profile service (creates spaces). */
export const TEST_ADMIN_KEY = 'operator-key-for-tests-0001';

/** `PRISM_API_KEYS` as the services parse it: `space:key,…`. */
export const testApiKeysEnv = Object.entries(TEST_API_KEYS)
  .map(([space, key]) => `${space}:${key}`)
  .join(',');

/** Metadata with the key of a known test space. */
export const keyOf = (space: TestSpace): Metadata => apiKeyMetadata(TEST_API_KEYS[space]);
