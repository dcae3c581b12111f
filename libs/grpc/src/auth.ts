import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { PermissionDenied, Unauthenticated } from '@prism/errors';

/** Finds the space an API key belongs to; `undefined` for an unknown key. */
export interface ApiKeyResolver {
  spaceOf(key: string): Promise<string | undefined>;
}

/** Keys from configuration (`PRISM_API_KEYS`), as key → space id. */
export function staticApiKeys(keys: ReadonlyMap<string, string>): ApiKeyResolver {
  const entries = [...keys].map(([key, space]) => ({ digest: sha256(key), space }));
  return {
    async spaceOf(key) {
      // Comparing fixed-length digests in constant time, over every entry, leaks neither a key's
      // characters nor its length nor which entry matched.
      const digest = sha256(key);
      let space: string | undefined;
      for (const entry of entries) if (timingSafeEqual(entry.digest, digest)) space = entry.space;
      return space;
    },
  };
}

/**
 * The caller's space from `authorization: Bearer <key>` or `x-api-key: <key>`. A caller may also name the
 * space it means with `x-prism-space`; a key of another space is then refused rather than silently used.
 */
export async function authenticate(apiKeys: ApiKeyResolver, metadata: Metadata): Promise<string> {
  const bearer = /^Bearer\s+(\S+)$/i.exec(firstValue(metadata, 'authorization') ?? '')?.[1];
  const key = bearer ?? firstValue(metadata, 'x-api-key');
  if (!key)
    throw new Unauthenticated('missing API key: send "authorization: Bearer <key>" or "x-api-key: <key>"');
  const space = await apiKeys.spaceOf(key);
  if (space === undefined) throw new Unauthenticated('unknown API key');
  const requested = firstValue(metadata, 'x-prism-space');
  if (requested !== undefined && requested !== space) {
    throw new PermissionDenied(`the API key does not grant access to space ${JSON.stringify(requested)}`);
  }
  return space;
}

export function firstValue(metadata: Metadata, key: string): string | undefined {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
