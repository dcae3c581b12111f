import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../testing/webhook-receiver.js';
import { retryDelay, sendWebhook, WEBHOOK_CONTENT_TYPE } from './sender.js';
import { newWebhookSecret } from './signing.js';

const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.close()));
});

async function receiverWith(secret: string) {
  const receiver = await startWebhookReceiver({ secret });
  receivers.push(receiver);
  return receiver;
}

/** A receiver and a target signing with the secret it holds. */
async function endpoint(timeoutMs?: number) {
  const secret = newWebhookSecret();
  const receiver = await receiverWith(secret);
  return { receiver, target: { url: receiver.url, secrets: [secret], ...(timeoutMs && { timeoutMs }) } };
}

function cloudEvent(profileId = 'p1') {
  const id = randomUUID();
  const event = {
    specversion: '1.0',
    id,
    source: 'prism/audience-sync',
    type: 'prism.audience.member.entered',
    time: new Date().toISOString(),
    data: { audienceId: 'a1', profileId },
  };
  return { id, timestamp: new Date(), body: JSON.stringify(event), event };
}

describe('webhook delivery over loopback HTTP', () => {
  it('the receiver verifies what the sender signs and gets the CloudEvent as JSON', async () => {
    const { receiver, target } = await endpoint();
    const delivery = cloudEvent();
    expect(await sendWebhook(target, delivery)).toEqual({ kind: 'delivered', status: 204 });
    expect(receiver.deliveries).toEqual([
      {
        id: delivery.id,
        timestamp: new Date(Math.floor(delivery.timestamp.getTime() / 1000) * 1000),
        body: delivery.event,
        contentType: WEBHOOK_CONTENT_TYPE,
      },
    ]);
    expect(receiver.refused).toEqual([]);
  });

  it('keeps the connection alive across deliveries, which arrive in the order sent', async () => {
    const { receiver, target } = await endpoint();
    const sent = Array.from({ length: 10 }, (_, i) => cloudEvent(`p${i}`));
    for (const delivery of sent) expect((await sendWebhook(target, delivery)).kind).toBe('delivered');
    expect(receiver.deliveries.map((d) => d.id)).toEqual(sent.map((d) => d.id));
    // undici may open a second socket before the first is back in its pool, then alternates.
    expect(receiver.connections).toBeLessThanOrEqual(2);
  });

  it('during a rotation, receivers holding the new or the old secret both verify', async () => {
    const [newest, oldest] = [newWebhookSecret(), newWebhookSecret()];
    const upgraded = await receiverWith(newest);
    const lagging = await receiverWith(oldest);
    for (const receiver of [upgraded, lagging]) {
      const outcome = await sendWebhook({ url: receiver.url, secrets: [newest, oldest] }, cloudEvent());
      expect(outcome.kind).toBe('delivered');
      expect(receiver.deliveries).toHaveLength(1);
    }
  });

  it('a receiver holding another secret refuses with 401, which is not retried', async () => {
    const receiver = await receiverWith(newWebhookSecret());
    const delivery = cloudEvent();
    const outcome = await sendWebhook({ url: receiver.url, secrets: [newWebhookSecret()] }, delivery);
    expect(outcome).toMatchObject({ kind: 'rejected', status: 401 });
    expect(receiver.refused).toEqual([
      { id: delivery.id, status: 401, reason: 'No matching signature found' },
    ]);
    expect(receiver.deliveries).toEqual([]);
  });

  it('a timestamp older than the 5-minute tolerance is refused as a replay', async () => {
    const { receiver, target } = await endpoint();
    const stale = { ...cloudEvent(), timestamp: new Date(Date.now() - 5 * 60_000 - 2_000) };
    expect(await sendWebhook(target, stale)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(receiver.refused).toMatchObject([{ id: stale.id, reason: 'Message timestamp too old' }]);
    const fresh = { ...cloudEvent(), timestamp: new Date(Date.now() - 4 * 60_000) };
    expect((await sendWebhook(target, fresh)).kind).toBe('delivered');
  });

  it.each([500, 503, 408])(
    '%i is retried, and the same delivery goes through once the receiver recovers',
    async (status) => {
      const { receiver, target } = await endpoint();
      receiver.fail(status);
      const delivery = cloudEvent();
      expect(await sendWebhook(target, delivery)).toMatchObject({
        kind: 'retry',
        status,
        error: `HTTP ${status}`,
      });
      expect(receiver.deliveries).toEqual([]);
      expect(await sendWebhook(target, delivery)).toEqual({ kind: 'delivered', status: 204 });
      expect(receiver.deliveries.map((d) => d.id)).toEqual([delivery.id]);
    },
  );

  it('429 is retried no sooner than its Retry-After in seconds', async () => {
    const { receiver, target } = await endpoint();
    receiver.throttle('7');
    const outcome = await sendWebhook(target, cloudEvent());
    expect(outcome).toEqual({ kind: 'retry', status: 429, retryAfterMs: 7_000, error: 'HTTP 429' });
    const retryAfterMs = outcome.kind === 'retry' ? outcome.retryAfterMs : undefined;
    expect(retryDelay(1, retryAfterMs, () => 0)).toBe(7_000);
    expect(retryDelay(1, retryAfterMs, () => 0.999)).toBe(7_000);
  });

  it('429 is retried no sooner than its Retry-After as an HTTP-date', async () => {
    const { receiver, target } = await endpoint();
    receiver.throttle(new Date(Date.now() + 30_000).toUTCString());
    const outcome = await sendWebhook(target, cloudEvent());
    expect(outcome).toMatchObject({ kind: 'retry', status: 429 });
    const retryAfterMs = outcome.kind === 'retry' ? (outcome.retryAfterMs ?? 0) : 0;
    // HTTP-dates have whole seconds.
    expect(retryAfterMs).toBeGreaterThan(28_000);
    expect(retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(retryDelay(2, retryAfterMs, Math.random)).toBeGreaterThanOrEqual(retryAfterMs);
  });

  it('410 means gone: the destination is to be disabled', async () => {
    const { receiver, target } = await endpoint();
    receiver.gone();
    expect(await sendWebhook(target, cloudEvent())).toEqual({ kind: 'gone', status: 410, error: 'HTTP 410' });
    expect(await sendWebhook(target, cloudEvent())).toMatchObject({ kind: 'gone' });
  });

  it.each([400, 404, 422])('%i is rejected: not retried, kept as a dead letter', async (status) => {
    const { receiver, target } = await endpoint();
    receiver.fail(status);
    expect(await sendWebhook(target, cloudEvent())).toEqual({
      kind: 'rejected',
      status,
      error: `HTTP ${status}`,
    });
  });

  it('a redirect is not followed but rejected, so the URL gets updated', async () => {
    const { receiver, target } = await endpoint();
    receiver.fail(308);
    expect(await sendWebhook(target, cloudEvent())).toEqual({
      kind: 'rejected',
      status: 308,
      error: 'HTTP 308 redirect to (no location)',
    });
    expect(receiver.deliveries).toEqual([]);
  });

  it('a receiver that stalls is retried once the timeout passes', async () => {
    const { receiver, target } = await endpoint(300);
    receiver.stall();
    const started = performance.now();
    const outcome = await sendWebhook(target, cloudEvent());
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(outcome).toEqual({ kind: 'retry', error: 'no answer within 300 ms' });
    expect((await sendWebhook(target, cloudEvent())).kind).toBe('delivered');
  });

  it('a receiver that is down is retried (connection refused) and reached again once it is back', async () => {
    const { receiver, target } = await endpoint();
    expect((await sendWebhook(target, cloudEvent('before'))).kind).toBe('delivered');
    await receiver.goDown();
    const outcome = await sendWebhook(target, cloudEvent('while down'));
    expect(outcome).toMatchObject({ kind: 'retry', error: expect.stringContaining('ECONNREFUSED') });
    await receiver.comeUp();
    expect((await sendWebhook(target, cloudEvent('after'))).kind).toBe('delivered');
    expect(
      receiver.deliveries.map((d) => (d.body as { data: { profileId: string } }).data.profileId),
    ).toEqual(['before', 'after']);
  });

  it('an unusable URL is rejected without a request', async () => {
    const delivery = cloudEvent();
    const secrets = [newWebhookSecret()];
    for (const url of ['not a url', 'ftp://127.0.0.1/hooks']) {
      expect(await sendWebhook({ url, secrets }, delivery)).toEqual({
        kind: 'rejected',
        error: `not an http(s) URL: ${url}`,
      });
    }
  });
});
