import { failureOf } from '@prism/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi, memberKey } from '../../testing/fake-graph-api.js';
import { MetaAudienceClient, type MetaClientOptions } from './client.js';
import { MetaApiError } from './errors.js';
import { sha256Hex } from './normalise.js';
import type { MetaKey, MetaRow } from './schema.js';

const SCHEMA: MetaKey[] = ['EMAIL', 'EXTERN_ID'];
const people = (count: number): MetaRow[] =>
  Array.from({ length: count }, (_, index) => [sha256Hex(`person.${index}@example.com`), `usr_${index}`]);
const keys = (rows: readonly MetaRow[]) => new Set(rows.map((row) => memberKey(SCHEMA, row)));

const RETRY = { attempts: 4, baseDelayMs: 40, maxDelayMs: 400 };

let fake: FakeGraphApi;
const retries: { attempt: number; delayMs: number; error: unknown }[] = [];

const clientOf = (options: Partial<MetaClientOptions> = {}) =>
  new MetaAudienceClient({
    baseUrl: fake.baseUrl,
    accessToken: fake.accessToken,
    retry: RETRY,
    onRetry: (retry) => retries.push(retry),
    ...options,
  });

beforeAll(async () => {
  fake = await FakeGraphApi.start();
});

afterEach(() => {
  retries.length = 0;
  fake.slow(0);
});

afterAll(() => fake?.close());

describe('the Meta client when Meta throttles or refuses', () => {
  it.each([4, 17, 613, 80003, 80004] as const)(
    'backs off after rate-limit code %i, doubling its jittered waits, then succeeds',
    async (code) => {
      const audienceId = fake.createAudience();
      fake.rateLimitNext(2, code);
      const result = await clientOf().addUsers(audienceId, { schema: SCHEMA, rows: people(3) });
      const tries = fake.requests.filter(
        (request) => request.audienceId === audienceId || request.errorCode === code,
      );
      expect(tries.slice(-3).map((request) => request.errorCode)).toEqual([code, code, undefined]);
      expect(retries.map(({ attempt }) => attempt)).toEqual([1, 2]);
      const [first, second] = retries.map(({ delayMs }) => delayMs);
      expect(first).toBeGreaterThanOrEqual(RETRY.baseDelayMs / 2);
      expect(first).toBeLessThanOrEqual(RETRY.baseDelayMs);
      expect(second).toBeGreaterThanOrEqual(RETRY.baseDelayMs);
      expect(second).toBeLessThanOrEqual(RETRY.baseDelayMs * 2);
      const [, failedAgain, succeeded] = tries.slice(-3).map((request) => request.at);
      expect((succeeded ?? 0) - (failedAgain ?? 0)).toBeGreaterThanOrEqual(RETRY.baseDelayMs - 5);
      expect(result.numReceived).toBe(3);
      expect(fake.members(audienceId)).toEqual(keys(people(3)));
    },
  );

  it('gives up after its bounded attempts with the rate-limit error, for the caller to retry later', async () => {
    const audienceId = fake.createAudience();
    fake.rateLimitNext(RETRY.attempts, 80004);
    const error = await failureOf<MetaApiError>(
      clientOf().addUsers(audienceId, { schema: SCHEMA, rows: people(1) }),
    );
    expect(error).toBeInstanceOf(MetaApiError);
    expect(error).toMatchObject({ code: 80004, rateLimited: true });
    expect(retries).toHaveLength(RETRY.attempts - 1);
    expect(fake.members(audienceId).size).toBe(0);
  });

  it('surfaces any other error at once with Meta’s message, code and fbtrace_id', async () => {
    const audienceId = fake.createAudience();
    const before = fake.requests.length;
    fake.failNext(1, {
      code: 100,
      error_subcode: 1713230,
      type: 'OAuthException',
      message: 'Invalid parameter',
      error_user_title: 'Audience Upload Blocked',
      error_user_msg: 'Before updating user memberships, you must resolve integrity restrictions',
    });
    const error = await failureOf<MetaApiError>(
      clientOf().addUsers(audienceId, { schema: SCHEMA, rows: people(2) }),
    );
    expect(error).toBeInstanceOf(MetaApiError);
    expect(error).toMatchObject({
      code: 100,
      subcode: 1713230,
      metaMessage: 'Invalid parameter',
      userMessage: 'Before updating user memberships, you must resolve integrity restrictions',
      httpStatus: 400,
      rateLimited: false,
    });
    expect(error.fbtraceId).toMatch(/^[\w-]{8,}$/);
    expect(error.message).toBe(
      `Meta Graph API error 100/1713230: Invalid parameter — Before updating user memberships, you must resolve integrity restrictions (fbtrace_id ${error.fbtraceId})`,
    );
    expect(fake.requests.length - before).toBe(1);
    expect(retries).toEqual([]);
  });

  it('surfaces a wrong access token as Meta’s OAuth error', async () => {
    const audienceId = fake.createAudience();
    const error = await failureOf<MetaApiError>(
      clientOf({ accessToken: 'EAAB-revoked' }).addUsers(audienceId, { schema: SCHEMA, rows: people(1) }),
    );
    expect(error).toMatchObject({ code: 190, type: 'OAuthException', transient: false });
    expect(error.metaMessage).toMatch(/Invalid OAuth access token/);
  });

  it('keeps a replace session whole when throttled mid-way: the throttled batch is sent again with its batch_seq', async () => {
    const audienceId = fake.createAudience();
    const rows = people(25);
    const result = await clientOf({ batchSize: 10 }).replaceUsers(
      audienceId,
      { schema: SCHEMA, rows },
      ({ batch }) => {
        if (batch === 1) fake.rateLimitNext(2, 613);
      },
    );
    const session = fake.requests.filter((request) => request.session?.session_id === result.sessionId);
    expect(session.map((request) => `${request.session?.batch_seq}:${request.errorCode ?? 'ok'}`)).toEqual([
      '1:ok',
      '2:613',
      '2:613',
      '2:ok',
      '3:ok',
    ]);
    expect(fake.members(audienceId)).toEqual(keys(rows));
    expect(fake.violations).toEqual([]);
  });

  it('sends a batch whose answer was lost again with the same batch_seq, and Meta keeps each row once', async () => {
    const audienceId = fake.createAudience();
    const rows = people(25);
    fake.slow(600);
    const client = clientOf({
      batchSize: 10,
      requestTimeoutMs: 200,
      onRetry: (retry) => {
        retries.push(retry);
        fake.slow(0);
      },
    });
    const result = await client.replaceUsers(audienceId, { schema: SCHEMA, rows });
    const seqs = fake.requests
      .filter((request) => request.session?.session_id === result.sessionId)
      .map((request) => request.session?.batch_seq);
    expect(seqs).toEqual([1, 1, 2, 3]);
    expect(retries.map(({ error }) => (error as Error).name)).toEqual(['TimeoutError']);
    expect(result.batches).toBe(3);
    expect(fake.members(audienceId)).toEqual(keys(rows));
    expect(fake.violations).toEqual([]);
  });
});
