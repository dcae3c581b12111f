import { randomBytes } from 'node:crypto';
import { FailedPrecondition, NotFound, type ProfileFailure } from '@prism/errors';
import { keyDigest as digestOf, isLive, type KeyKind } from '@prism/space-keys';
import { v7 as uuidv7 } from 'uuid';
import type { IdentityRulesInput } from '../domain/identity/rules.js';

/** Lower-case letters, digits and dashes, 3–40 characters, no dash at either end. */
export const SPACE_ID = /^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$/;

/**
 * The space the operator key (`PRISM_ADMIN_KEY`) resolves to. The leading `_` is allowed neither in a
 * space id nor in a `PRISM_API_KEYS` space, so no space or configured key can ever claim it.
 */
export const OPERATOR_SPACE = '_operator';

// Keys are stored and judged as every service looks them up.
export { digestOf, isLive, type KeyKind };

/** Secrets carry their kind in a prefix, so a leaked one is recognisable (secret scanners, logs). */
const SECRET_PREFIX: Readonly<Record<KeyKind, string>> = { write: 'pk_write_', api: 'pk_api_' };

/** Old keys may keep working for up to a week, long enough to redeploy every sender. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

/** Bounds the document (it is loaded whole, by every instance, every few seconds). */
const MAX_LIVE_KEYS = 20;

/** Revoked keys stay listed this long, so "why does my old key fail" has an answer; then they go. */
const KEEP_REVOKED_MS = 30 * 24 * 3600 * 1000;

export interface StoredKey {
  keyId: string;
  kind: KeyKind;
  /** SHA-256 of the secret, hex; the secret itself is never stored. */
  digest: string;
  /** The secret's prefix and first 4 random characters, to tell keys apart. */
  hint: string;
  createdAt: Date;
  /** When the key stops working; absent while it has no end. */
  revokeAt?: Date;
}

/**
 * `IdentityRulesInput` with `limits` as a list: identifier types may contain ".", which FerretDB
 * refuses in field names, so a record keyed by type cannot be stored.
 */
export type StoredIdentityRules = Omit<IdentityRulesInput, 'limits'> & {
  limits?: Array<{ type: string; maxValues: number }>;
};

export interface SpaceDocument {
  _id: string;
  spaceId: string;
  displayName: string;
  keys: StoredKey[];
  /** As configured (validated by `parseIdentityRules`); parsed again on load, so defaults can evolve. */
  identityRules: StoredIdentityRules;
  /** The version this document was read at; the store writes the next one. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IssuedKey {
  key: StoredKey;
  /** Shown once, in the response that issued it. */
  secret: string;
}

export interface NewSpace {
  spaceId: string;
  displayName: string;
  identityRules: StoredIdentityRules;
}

export function rulesInputOf({ limits, ...rules }: StoredIdentityRules): IdentityRulesInput {
  if (!limits) return rules;
  return { ...rules, limits: Object.fromEntries(limits.map(({ type, maxValues }) => [type, maxValues])) };
}

/** A new space with a first write key and API key. */
export function newSpace(
  spec: NewSpace,
  at: Date,
): { space: SpaceDocument; writeKey: string; apiKey: string } {
  const write = newKey('write', at);
  const api = newKey('api', at);
  const space: SpaceDocument = {
    _id: spec.spaceId,
    ...spec,
    keys: [write.key, api.key],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  return { space, writeKey: write.secret, apiKey: api.secret };
}

export function issueKey(
  space: SpaceDocument,
  kind: KeyKind,
  at: Date,
): { space: SpaceDocument; issued: IssuedKey } {
  const live = space.keys.filter((key) => isLive(key, at)).length;
  if (live >= MAX_LIVE_KEYS) {
    throw new FailedPrecondition<ProfileFailure>(
      'TOO_MANY_KEYS',
      `Space ${space.spaceId} already has ${live} live keys; revoke one before issuing another.`,
    );
  }
  const issued = newKey(kind, at);
  return { space: withKeys(space, [...space.keys, issued.key], at), issued };
}

/** A new key of the same kind; the old one works for `graceSeconds` more (never longer than it would have). */
export function rotateKey(
  space: SpaceDocument,
  keyId: string,
  graceSeconds: number,
  at: Date,
): { space: SpaceDocument; issued: IssuedKey; revoked: StoredKey } {
  const old = keyOf(space, keyId);
  if (!isLive(old, at)) {
    throw new FailedPrecondition<ProfileFailure>(
      'KEY_REVOKED',
      `Key ${keyId} is already revoked; issue a new key instead.`,
    );
  }
  const revoked = revokeKey(space, keyId, new Date(at.getTime() + graceSeconds * 1000), at);
  const { space: rotated, issued } = issueKey(revoked.space, old.kind, at);
  return { space: rotated, issued, revoked: revoked.revoked };
}

/**
 * Makes the key stop working at `revokeAt`. A key already ending earlier keeps its end, and the
 * same document comes back, so repeating a revoke writes nothing.
 */
export function revokeKey(
  space: SpaceDocument,
  keyId: string,
  revokeAt: Date,
  at: Date,
): { space: SpaceDocument; revoked: StoredKey } {
  const key = keyOf(space, keyId);
  if (key.revokeAt && key.revokeAt <= revokeAt) return { space, revoked: key };
  const revoked = { ...key, revokeAt };
  return {
    space: withKeys(
      space,
      space.keys.map((k) => (k === key ? revoked : k)),
      at,
    ),
    revoked,
  };
}

export function withIdentityRules(space: SpaceDocument, rules: StoredIdentityRules, at: Date): SpaceDocument {
  return { ...space, identityRules: rules, updatedAt: at };
}

function keyOf(space: SpaceDocument, keyId: string): StoredKey {
  const key = space.keys.find((k) => k.keyId === keyId);
  if (!key) throw new NotFound('key', keyId);
  return key;
}

function withKeys(space: SpaceDocument, keys: StoredKey[], at: Date): SpaceDocument {
  const forgetBefore = at.getTime() - KEEP_REVOKED_MS;
  const kept = keys.filter((key) => key.revokeAt === undefined || key.revokeAt.getTime() > forgetBefore);
  return { ...space, keys: kept, updatedAt: at };
}

function newKey(kind: KeyKind, at: Date): IssuedKey {
  const random = randomBytes(24).toString('base64url');
  const secret = `${SECRET_PREFIX[kind]}${random}`;
  const key = {
    keyId: `key_${uuidv7()}`,
    kind,
    digest: digestOf(secret),
    hint: `${SECRET_PREFIX[kind]}${random.slice(0, 4)}`,
    createdAt: at,
  };
  return { key, secret };
}
