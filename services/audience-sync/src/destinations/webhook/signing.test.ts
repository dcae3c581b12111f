import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  liveSecrets,
  newWebhookSecret,
  rotateSecret,
  signatureHeaders,
  webhookSecretSchema,
} from './signing.js';

const delivery = {
  id: '01980b4e-7c1a-7b2e-9f00-5d1e2c3a4b5c',
  timestamp: new Date('2026-05-04T10:20:30.999Z'),
  body: '{"specversion":"1.0","type":"prism.audience.member.entered","data":{"profileId":"p1"}}',
};

describe('Standard Webhooks signing', () => {
  it('matches the published test vector of the Standard Webhooks libraries', () => {
    const headers = signatureHeaders(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: new Date(1614265330 * 1000),
      body: '{"test": 2432232314}',
    });
    expect(headers).toEqual({
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('signs "<id>.<seconds>.<body>" with HMAC-SHA256 keyed by the decoded whsec secret', () => {
    const secret = newWebhookSecret();
    const headers = signatureHeaders([secret], delivery);
    const seconds = Math.floor(delivery.timestamp.getTime() / 1000);
    const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
      .update(`${delivery.id}.${seconds}.${delivery.body}`)
      .digest('base64');
    expect(headers['webhook-timestamp']).toBe(String(seconds));
    expect(headers['webhook-signature']).toBe(`v1,${expected}`);
  });

  it('sends both signatures during a rotation, newest first, so either secret verifies', () => {
    const [newest, oldest] = [newWebhookSecret(), newWebhookSecret()];
    const now = { ...delivery, timestamp: new Date() };
    const headers = signatureHeaders([newest, oldest], now);
    const [first, second] = headers['webhook-signature'].split(' ');
    expect(first).toBe(signatureHeaders([newest], now)['webhook-signature']);
    expect(second).toBe(signatureHeaders([oldest], now)['webhook-signature']);
    for (const secret of [newest, oldest]) {
      expect(new Webhook(secret).verify(now.body, { ...headers })).toEqual(JSON.parse(now.body));
    }
  });

  it('refuses an id with a dot, which would make "<id>.<timestamp>" ambiguous', () => {
    expect(() => signatureHeaders([newWebhookSecret()], { ...delivery, id: 'a.1' })).toThrow(/no dots/);
  });

  it('refuses to sign without a secret or with a malformed one', () => {
    expect(() => signatureHeaders([], delivery)).toThrow(/at least one secret/);
    expect(() => signatureHeaders(['whsec_c2hvcnQ='], delivery)).toThrow(/24 to 64 bytes/);
  });
});

describe('webhook secrets', () => {
  it('are whsec_ and 32 crypto-random bytes, never the same twice', () => {
    const secrets = Array.from({ length: 50 }, newWebhookSecret);
    for (const secret of secrets) {
      expect(webhookSecretSchema.parse(secret)).toBe(secret);
      expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });

  it('are accepted only with the whsec_ prefix and 24 to 64 bytes of base64', () => {
    const ofBytes = (n: number) => `whsec_${Buffer.alloc(n, 7).toString('base64')}`;
    expect(webhookSecretSchema.safeParse(ofBytes(24)).success).toBe(true);
    expect(webhookSecretSchema.safeParse(ofBytes(64)).success).toBe(true);
    expect(webhookSecretSchema.safeParse(ofBytes(23)).success).toBe(false);
    expect(webhookSecretSchema.safeParse(ofBytes(65)).success).toBe(false);
    expect(webhookSecretSchema.safeParse(ofBytes(32).slice('whsec_'.length)).success).toBe(false);
    expect(webhookSecretSchema.safeParse('whsec_not base64!').success).toBe(false);
  });

  it('rotation signs with the new and the replaced secret until the grace period ends, then the new alone', () => {
    fc.assert(
      fc.property(
        fc.nat(1e12),
        fc.nat(7 * 86_400_000),
        fc.integer({ min: -1e9, max: 1e9 }),
        (at, grace, offset) => {
          const before = { current: newWebhookSecret() };
          const now = new Date(at);
          const rotated = rotateSecret(before, now, grace);
          const later = new Date(at + grace + offset);
          const expected = offset < 0 ? [rotated.current, before.current] : [rotated.current];
          expect(rotated.current).not.toBe(before.current);
          expect(liveSecrets(rotated, later)).toEqual(expected);
        },
      ),
    );
  });
});
