import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphError } from '../destinations/meta/errors.js';
import { sha256Hex } from '../destinations/meta/normalise.js';
import { FakeGraphApi, memberKey } from './fake-graph-api.js';

let fake: FakeGraphApi;

beforeAll(async () => {
  fake = await FakeGraphApi.start();
});

afterEach(() => {
  fake.violations.length = 0;
});

afterAll(() => fake?.close());

/** A raw Graph API call, form-encoded as the real API takes it, answering status and body. */
async function call(method: string, path: string, params: Record<string, unknown>, token = fake.accessToken) {
  const form = new URLSearchParams({ access_token: token });
  for (const [name, value] of Object.entries(params))
    form.set(name, typeof value === 'string' ? value : JSON.stringify(value));
  const response = await fetch(`${fake.baseUrl}/${path}`, { method, body: form });
  return {
    status: response.status,
    body: (await response.json()) as { error?: GraphError } & Record<string, unknown>,
  };
}

const email = (name: string) => sha256Hex(`${name}@example.com`);
const payload = (...names: string[]) => ({
  schema: ['EMAIL', 'EXTERN_ID'],
  data: names.map((name) => [email(name), `usr_${name}`]),
});
const session = (id: number, seq: number, last = false) => ({
  session_id: id,
  batch_seq: seq,
  last_batch_flag: last,
  estimated_num_total: 4,
});

describe('the fake Graph API', () => {
  it('refuses a wrong access token with OAuth error 190 and a trace id', async () => {
    const audience = fake.createAudience();
    const { status, body } = await call('POST', `${audience}/users`, { payload: payload('ada') }, 'EAAB-x');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 190, type: 'OAuthException' });
    expect(body.error?.fbtrace_id).toEqual(expect.any(String));
  });

  it.each([
    ['an unhashed email', { schema: ['EMAIL'], data: [['ada@example.com']] }, /EMAIL must be a SHA-256/],
    ['a hashed EXTERN_ID', { schema: ['EXTERN_ID'], data: [[email('ada')]] }, /EXTERN_ID must not be/],
    ['an unknown key', { schema: ['SSN'], data: [['x']] }, /payload must be/],
    [
      'a row shorter than the schema',
      { schema: ['EMAIL', 'FN'], data: [[email('ada')]] },
      /1 values for 2 keys/,
    ],
    ['more than 10,000 rows', { schema: ['EXTERN_ID'], data: Array(10_001).fill(['u']) }, /1 to 10000 rows/],
  ])('refuses %s', async (_, refused, message) => {
    const audience = fake.createAudience();
    const { body } = await call('POST', `${audience}/users`, { payload: refused });
    expect(body.error).toMatchObject({ code: 100, message: expect.stringMatching(message) });
    expect(fake.violations).toEqual([body.error?.message]);
    expect(fake.members(audience).size).toBe(0);
  });

  it('answers an unknown audience as Meta does', async () => {
    const { body } = await call('DELETE', '4242/users', { payload: payload('ada') });
    expect(body.error).toMatchObject({ code: 100, error_subcode: 33 });
  });

  it('keeps members across adds and removes, whatever the schema order', async () => {
    const audience = fake.createAudience();
    await call('POST', `${audience}/users`, { payload: payload('ada', 'bob') });
    const reordered = { schema: ['EXTERN_ID', 'EMAIL'], data: [['usr_ada', email('ada')]] };
    const { body } = await call('DELETE', `${audience}/users`, { payload: reordered });
    expect(body).toMatchObject({ audience_id: audience, num_received: 1, num_invalid_entries: 0 });
    expect(fake.members(audience)).toEqual(
      new Set([memberKey(['EMAIL', 'EXTERN_ID'], [email('bob'), 'usr_bob'])]),
    );
  });

  it('replaces the members with exactly the session’s rows when the last batch arrives', async () => {
    const audience = fake.createAudience();
    await call('POST', `${audience}/users`, { payload: payload('old') });
    await call('POST', `${audience}/usersreplace`, {
      payload: payload('ada', 'bob'),
      session: session(7, 1),
    });
    expect(fake.members(audience).size).toBe(1);
    await call('POST', `${audience}/usersreplace`, { payload: payload('cy'), session: session(7, 2, true) });
    expect([...fake.members(audience)].sort()).toEqual(
      ['ada', 'bob', 'cy']
        .map((name) => memberKey(['EMAIL', 'EXTERN_ID'], [email(name), `usr_${name}`]))
        .sort(),
    );
    expect(fake.violations).toEqual([]);
  });

  it('refuses sessions that skip or repeat a batch_seq, start past 1, change their total or go on after the end', async () => {
    const audience = fake.createAudience();
    const replace = (params: Record<string, unknown>) => call('POST', `${audience}/usersreplace`, params);
    expect((await replace({ payload: payload('ada'), session: session(8, 2) })).body.error?.message).toMatch(
      /must start at batch_seq 1/,
    );
    await replace({ payload: payload('ada'), session: session(8, 1) });
    expect((await replace({ payload: payload('bob'), session: session(8, 3) })).body.error?.message).toMatch(
      /batch_seq 3 follows 1/,
    );
    expect((await replace({ payload: payload('bob'), session: session(8, 1) })).body.error?.message).toMatch(
      /batch_seq 1 follows 1/,
    );
    const changedTotal = { ...session(8, 2), estimated_num_total: 9 };
    expect((await replace({ payload: payload('bob'), session: changedTotal })).body.error?.message).toMatch(
      /estimated_num_total changed/,
    );
    await replace({ payload: payload('bob'), session: session(8, 2, true) });
    expect((await replace({ payload: payload('cy'), session: session(8, 3) })).body.error?.message).toMatch(
      /has already ended/,
    );
    expect(fake.violations).toHaveLength(5);
  });

  it('takes the last batch sent again as a retry, but counts a row sent in two batches as a violation', async () => {
    const audience = fake.createAudience();
    const replace = (params: Record<string, unknown>) => call('POST', `${audience}/usersreplace`, params);
    await replace({ payload: payload('ada'), session: session(9, 1) });
    const retried = await replace({ payload: payload('ada'), session: session(9, 1) });
    expect(retried.status).toBe(200);
    expect(fake.violations).toEqual([]);
    await replace({ payload: payload('bob', 'ada'), session: session(9, 2, true) });
    expect(fake.violations).toEqual([expect.stringMatching(/^session 9: row sent twice: EMAIL=/)]);
    expect(fake.members(audience).size).toBe(2);
  });

  it('throttles, fails and slows down when told to', async () => {
    const audience = fake.createAudience();
    fake.rateLimitNext(1, 80004);
    fake.failNext(1, {
      code: 2,
      message: 'Service temporarily unavailable',
      is_transient: true,
      httpStatus: 503,
    });
    const throttled = await call('POST', `${audience}/users`, { payload: payload('ada') });
    expect(throttled).toMatchObject({ status: 400, body: { error: { code: 80004 } } });
    const unavailable = await call('POST', `${audience}/users`, { payload: payload('ada') });
    expect(unavailable).toMatchObject({ status: 503, body: { error: { code: 2, is_transient: true } } });
    expect(fake.members(audience).size).toBe(0);
    fake.slow(150);
    const started = Date.now();
    expect((await call('POST', `${audience}/users`, { payload: payload('ada') })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
    fake.slow(0);
  });
});
