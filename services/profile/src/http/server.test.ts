import { once } from 'node:events';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { post, reply, SPACE_ID, startTrackingServer, track, WRITE_KEY } from './test-support.js';

describe('tracking HTTP server: routes and auth', () => {
  it('accepts a batch with Basic auth and answers with what was accepted', async () => {
    const server = await startTrackingServer();
    const { status, body } = await reply(post(`${server.url}/v1/batch`, { batch: [track(0), track(1)] }));
    expect([status, body]).toEqual([200, { success: true, accepted: 2, duplicates: 0, rejected: [] }]);
    expect(server.spaces).toEqual([SPACE_ID]);
    expect(server.accepted.map((message) => [message.type, message.userId, message.event])).toEqual([
      ['track', 'u0', 'e0'],
      ['track', 'u1', 'e1'],
    ]);
  });

  it.each(['identify', 'track', 'page', 'screen', 'group', 'alias'])(
    'takes a single message at /v1/%s',
    async (type) => {
      const server = await startTrackingServer();
      const message = { userId: 'u1', anonymousId: 'a1', previousId: 'p1', groupId: 'g1', event: 'e' };
      expect((await post(`${server.url}/v1/${type}`, message)).status).toBe(200);
      expect(server.accepted).toEqual([expect.objectContaining({ type, userId: 'u1' })]);
    },
  );

  it('takes the write key from the body when there is no Basic auth', async () => {
    const server = await startTrackingServer();
    const response = await post(
      `${server.url}/v1/track`,
      { ...track(0), writeKey: WRITE_KEY },
      { writeKey: null },
    );
    expect(response.status).toBe(200);
    expect(server.accepted).toHaveLength(1);
  });

  it.each([
    ['no write key', null],
    ['an unknown write key', 'wk-other'],
  ])('refuses %s with 401 and accepts nothing', async (_, writeKey) => {
    const server = await startTrackingServer();
    const { status, headers, body } = await reply(
      post(`${server.url}/v1/batch`, { batch: [track(0)] }, { writeKey }),
    );
    expect([status, body.error]).toEqual([401, 'UNAUTHENTICATED']);
    expect(headers.get('www-authenticate')).toBe('Basic realm="prism"');
    expect(server.accepted).toEqual([]);
  });

  it('answers 404 to unknown routes and 405 to wrong methods', async () => {
    const server = await startTrackingServer();
    expect((await reply(post(`${server.url}/v1/purchase`, track(0)))).body.error).toBe('NOT_FOUND');
    const get = await fetch(`${server.url}/v1/track`);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect((await post(`${server.url}/healthz`, {})).status).toBe(405);
  });

  it('answers GET /healthz', async () => {
    const server = await startTrackingServer();
    expect(await reply(fetch(`${server.url}/healthz`))).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
  });

  it('reports messages already accepted as duplicates', async () => {
    const server = await startTrackingServer();
    const batch = [
      { ...track(0), messageId: 'm0' },
      { ...track(1), messageId: 'm1' },
    ];
    await post(`${server.url}/v1/batch`, { batch });
    const { body } = await reply(post(`${server.url}/v1/batch`, { batch }));
    expect(body).toMatchObject({ accepted: 2, duplicates: 2 });
  });
});

describe('tracking HTTP server: bodies', () => {
  it('refuses malformed JSON with 400', async () => {
    const server = await startTrackingServer();
    const { status, body } = await reply(post(`${server.url}/v1/batch`, '{"batch": ['));
    expect([status, body]).toEqual([400, { error: 'MALFORMED_JSON', message: 'the body is not valid JSON' }]);
  });

  it('refuses a body that is not a JSON object with 400', async () => {
    const server = await startTrackingServer();
    const { status, body } = await reply(post(`${server.url}/v1/track`, [track(0)]));
    expect([status, body.error, body.rejected]).toEqual([
      400,
      'INVALID_MESSAGES',
      [{ field: '', description: 'the body must be a JSON object' }],
    ]);
  });

  it('reads a gzipped body', async () => {
    const server = await startTrackingServer();
    const body = gzipSync(JSON.stringify({ batch: [track(0)] }));
    const response = await post(`${server.url}/v1/batch`, body, { headers: { 'content-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(server.accepted).toHaveLength(1);
  });

  it.each([
    ['corrupt gzip', Buffer.from('not gzip at all'), 'gzip', 'MALFORMED_GZIP'],
    ['an unsupported encoding', Buffer.from('{}'), 'br', 'UNSUPPORTED_CONTENT_ENCODING'],
  ])('refuses %s with 400', async (_, body, encoding, error) => {
    const server = await startTrackingServer();
    const response = post(`${server.url}/v1/batch`, body, { headers: { 'content-encoding': encoding } });
    expect(await reply(response)).toMatchObject({ status: 400, body: { error } });
  });

  it('accepts the valid messages of a partly invalid batch with 200, listing the rejected ones', async () => {
    const server = await startTrackingServer();
    const batch = [track(0), { type: 'track', anonymousId: 'a1' }, track(2)];
    const { status, body } = await reply(post(`${server.url}/v1/batch`, { batch }));
    expect([status, body]).toEqual([
      200,
      {
        success: true,
        accepted: 2,
        duplicates: 0,
        rejected: [{ index: 1, field: 'batch[1].event', description: 'is required' }],
      },
    ]);
    expect(server.accepted.map((message) => message.userId)).toEqual(['u0', 'u2']);
  });

  it('refuses a batch with no valid message with 400 and the rejections', async () => {
    const server = await startTrackingServer();
    const { status, body } = await reply(post(`${server.url}/v1/batch`, { batch: [{ type: 'track' }] }));
    expect([status, body]).toEqual([
      400,
      {
        error: 'INVALID_MESSAGES',
        message: 'no message is valid',
        rejected: [{ index: 0, field: 'batch[0].event', description: 'is required' }],
      },
    ]);
  });
});

describe('tracking HTTP server: failures', () => {
  it('answers 503 when accept fails, so that SDKs retry', async () => {
    const server = await startTrackingServer({ accept: () => Promise.reject(new Error('store down')) });
    const { status, body } = await reply(post(`${server.url}/v1/batch`, { batch: [track(0)] }));
    expect([status, body.error]).toEqual([503, 'UNAVAILABLE']);
  });

  it('answers 503 when the write key cannot be looked up', async () => {
    const writeKeys = { spaceOf: () => Promise.reject(new Error('store down')) };
    const server = await startTrackingServer({ writeKeys });
    expect((await post(`${server.url}/v1/track`, track(0))).status).toBe(503);
  });

  it('answers malformed HTTP with 400', async () => {
    const server = await startTrackingServer();
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    socket.end('NOT HTTP AT ALL\r\n\r\n');
    const [data] = await once(socket, 'data');
    expect(String(data)).toMatch(/^HTTP\/1\.1 400/);
    socket.destroy();
  });

  it('answers any JSON body with 200 or 400 and keeps serving', async () => {
    const server = await startTrackingServer();
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record(
        { batch: fc.array(fc.jsonValue(), { maxLength: 5 }), sentAt: fc.jsonValue() },
        { requiredKeys: [] },
      ),
      fc
        .array(fc.record({ type: fc.constantFrom('track', 'alias', 'x'), userId: fc.jsonValue() }), {
          maxLength: 5,
        })
        .map((batch) => ({ batch })),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('batch', 'track', 'group'), body, async (route, value) => {
        const { status } = await post(`${server.url}/v1/${route}`, value);
        expect([200, 400]).toContain(status);
      }),
      { numRuns: 60 },
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('logs no message content, and stamps lines with the space', async () => {
    const server = await startTrackingServer();
    const batch = [
      { ...track(0), properties: { card: 'secret-4242' } },
      { type: 'track', userId: 'secret-user' },
    ];
    await post(`${server.url}/v1/batch`, { batch });
    expect(server.logLines.length).toBeGreaterThan(0);
    expect(server.logLines.join('\n')).not.toMatch(/secret/);
    expect(JSON.parse(server.logLines.at(-1)!)).toMatchObject({
      spaceId: SPACE_ID,
      accepted: 1,
      rejected: 1,
    });
  });
});
