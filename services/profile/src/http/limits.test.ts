import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { post, postChunked, reply, startTrackingServer, track } from './test-support.js';

describe('tracking HTTP server: size limits', () => {
  it('refuses a body over 500 KB with 413, plain, chunked or as a gzip bomb, and keeps serving', async () => {
    const server = await startTrackingServer();
    const huge = JSON.stringify({ batch: [{ ...track(0), properties: { blob: 'x'.repeat(600 * 1024) } }] });
    const plain = await reply(post(`${server.url}/v1/batch`, huge));
    // 20 MB of zeros inflate from about 20 KB: reading stops at 500 KB.
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, '0'));
    const gzipped = await reply(
      post(`${server.url}/v1/batch`, bomb, { headers: { 'content-encoding': 'gzip' } }),
    );
    const chunked = await postChunked(`${server.url}/v1/batch`, huge);
    expect([plain.status, plain.body, chunked]).toEqual([
      413,
      { error: 'BODY_TOO_LARGE', message: 'the body exceeds 512000 bytes' },
      413,
    ]);
    expect([gzipped.status, gzipped.body]).toEqual([
      413,
      { error: 'BODY_TOO_LARGE', message: 'the gzip body inflates to more than 512000 bytes' },
    ]);
    expect(server.accepted).toEqual([]);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});

describe('tracking HTTP server: the per-space rate limit', () => {
  it('answers 429 with Retry-After in seconds once the space spent its burst', async () => {
    const server = await startTrackingServer({ rateLimit: { ratePerSecond: 0.25, burst: 2 } });
    for (const n of [0, 1]) expect((await post(`${server.url}/v1/track`, track(n))).status).toBe(200);
    const refused = await reply(post(`${server.url}/v1/track`, track(2)));
    expect(refused.status).toBe(429);
    expect(refused.body.error).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(4);
    expect(server.accepted.map((message) => message.userId)).toEqual(['u0', 'u1']);
  });

  it('counts requests once the write key is known: a wrong key is 401, not 429', async () => {
    const server = await startTrackingServer({ rateLimit: { ratePerSecond: 0.25, burst: 1 } });
    for (let i = 0; i < 3; i++)
      expect((await post(`${server.url}/v1/track`, track(i), { writeKey: 'wk-nobody' })).status).toBe(401);
    expect((await post(`${server.url}/v1/track`, track(0))).status).toBe(200);
  });
});
