import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): symmetric `v1` signatures,
 * HMAC-SHA256 over `<id>.<timestamp>.<body>`, keyed by a `whsec_` secret.
 */

const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 random bytes; 32 (256 bits) is as strong as HMAC-SHA256 itself. */
const SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A `whsec_` secret as a destination is configured with: base64 of 24 to 64 bytes. */
export const webhookSecretSchema = z
  .string()
  .startsWith(SECRET_PREFIX, `a webhook secret starts with ${SECRET_PREFIX}`)
  .refine((secret) => {
    const encoded = secret.slice(SECRET_PREFIX.length);
    const bytes = Buffer.from(encoded, 'base64').length;
    return BASE64.test(encoded) && bytes >= MIN_SECRET_BYTES && bytes <= MAX_SECRET_BYTES;
  }, `a webhook secret is ${SECRET_PREFIX} and the base64 of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes`);

/**
 * The id is signed as `<id>.<timestamp>.<body>`, so a dot in it would let one message's
 * signature pass for another (the spec forbids it); whitespace would break the header.
 */
const webhookIdSchema = z
  .string()
  .min(1)
  .regex(/^[^.\s]+$/, 'a webhook id has no dots or whitespace');

/** A fresh secret for a new destination or a rotation (crypto random). */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** One delivery attempt: the same id on every retry, the timestamp of this attempt. */
export interface SignedDelivery {
  id: string;
  timestamp: Date;
  body: string;
}

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The three Standard Webhooks headers. `secrets` are the live ones, newest first: during a
 * rotation's grace period both are given, so receivers holding either secret verify.
 */
export function signatureHeaders(secrets: readonly string[], delivery: SignedDelivery): WebhookHeaders {
  if (secrets.length === 0) throw new Error('a webhook delivery needs at least one secret');
  const id = webhookIdSchema.parse(delivery.id);
  const signatures = secrets.map((secret) =>
    new Webhook(webhookSecretSchema.parse(secret)).sign(id, delivery.timestamp, delivery.body),
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(delivery.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}

/** A destination's secrets: the current one and, during a rotation's grace period, the one it replaced. */
export interface SecretRing {
  current: string;
  previous?: { secret: string; retiresAt: Date };
}

/** Replaces the current secret with a new one; the old one keeps signing until `now + graceMs`. */
export function rotateSecret(ring: SecretRing, now: Date, graceMs: number): SecretRing {
  return {
    current: newWebhookSecret(),
    previous: { secret: ring.current, retiresAt: new Date(now.getTime() + graceMs) },
  };
}

/** The secrets to sign with at `now`, newest first: the previous one only until it retires. */
export function liveSecrets(ring: SecretRing, now: Date): string[] {
  const previous = ring.previous;
  return previous && now < previous.retiresAt ? [ring.current, previous.secret] : [ring.current];
}
