import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi, memberKey } from '../../testing/fake-graph-api.js';
import { type BatchProgress, MetaAudienceClient } from './client.js';
import { metaRow } from './normalise.js';
import type { MetaKey, MetaRow } from './schema.js';

const SCHEMA: MetaKey[] = ['EMAIL', 'FN', 'EXTERN_ID'];

/** 30,000 people as the rows Meta receives, made once for every test. */
const PEOPLE: MetaRow[] = Array.from({ length: 30_000 }, (_, index) =>
  metaRow(
    {
      identifiers: [
        { type: 'user_id', value: `usr_${index}` },
        { type: 'email', value: `person.${index}@example.com` },
      ],
      traits: { firstName: `Ada ${index}` },
    },
    SCHEMA,
  ),
);

/** People numbered `from` to `to - 1`. */
const rows = (from: number, to: number): MetaRow[] => PEOPLE.slice(from, to);

const keys = (sent: readonly MetaRow[]) => new Set(sent.map((row) => memberKey(SCHEMA, row)));

let fake: FakeGraphApi;
let client: MetaAudienceClient;

beforeAll(async () => {
  fake = await FakeGraphApi.start();
  client = new MetaAudienceClient({ baseUrl: fake.baseUrl, accessToken: fake.accessToken });
});

afterAll(() => fake?.close());

describe('the Meta custom audience client against the fake Graph API', () => {
  it('creates a customer-file custom audience under the ad account', async () => {
    const audienceId = await client.createCustomAudience('act_1234567890', { name: 'Loyal buyers' });
    expect(audienceId).toMatch(/^\d+$/);
    expect(fake.requests.at(-1)).toMatchObject({
      operation: 'create',
      path: '/v21.0/act_1234567890/customaudiences',
    });
    expect(fake.members(audienceId).size).toBe(0);
  });

  it('adds 25,000 people in three requests of at most 10,000 rows, reporting each', async () => {
    const audienceId = fake.createAudience();
    const people = rows(0, 25_000);
    const progress: BatchProgress[] = [];
    const result = await client.addUsers(audienceId, { schema: SCHEMA, rows: people }, (batch) => {
      progress.push(batch);
    });
    const requests = fake.requests.filter((request) => request.audienceId === audienceId);
    expect(requests.map(({ method, rows }) => `${method} ${rows}`)).toEqual([
      'POST 10000',
      'POST 10000',
      'POST 5000',
    ]);
    expect(
      progress.map(({ batch, rowsSent, numReceived, last }) => [batch, rowsSent, numReceived, last]),
    ).toEqual([
      [1, 10_000, 10_000, false],
      [2, 20_000, 10_000, false],
      [3, 25_000, 5_000, true],
    ]);
    expect(result).toMatchObject({ batches: 3, rowsSent: 25_000, numReceived: 25_000, rowsSkipped: 0 });
    expect(fake.members(audienceId)).toEqual(keys(people));
  });

  it('removes people with DELETE in batches, leaving the others', async () => {
    const audienceId = fake.createAudience();
    await client.addUsers(audienceId, { schema: SCHEMA, rows: rows(0, 25_000) });
    const result = await client.removeUsers(audienceId, { schema: SCHEMA, rows: rows(0, 12_000) });
    const removals = fake.requests.filter(
      (request) => request.audienceId === audienceId && request.method === 'DELETE',
    );
    expect(removals.map((request) => request.rows)).toEqual([10_000, 2_000]);
    expect(result).toMatchObject({ operation: 'remove', batches: 2, rowsSent: 12_000 });
    expect(fake.members(audienceId)).toEqual(keys(rows(12_000, 25_000)));
  });

  it('replaces everyone through one session: batch_seq 1 to 3, the last flagged, exactly the new rows kept', async () => {
    const audienceId = fake.createAudience();
    await client.addUsers(audienceId, { schema: SCHEMA, rows: rows(0, 8_000) });
    const replacement = rows(5_000, 30_000);
    const result = await client.replaceUsers(audienceId, { schema: SCHEMA, rows: replacement });
    const sessions = fake.requests.filter((request) => request.audienceId === audienceId && request.session);
    expect(sessions.map((request) => request.session)).toEqual([
      { session_id: result.sessionId, batch_seq: 1, last_batch_flag: false, estimated_num_total: 25_000 },
      { session_id: result.sessionId, batch_seq: 2, last_batch_flag: false, estimated_num_total: 25_000 },
      { session_id: result.sessionId, batch_seq: 3, last_batch_flag: true, estimated_num_total: 25_000 },
    ]);
    expect(fake.members(audienceId)).toEqual(keys(replacement));
    expect(fake.violations).toEqual([]);
  });

  it('streams rows from an async source, leaving out repeated rows and rows without any value', async () => {
    const audienceId = fake.createAudience();
    const people = rows(0, 3);
    async function* stream() {
      yield* [people[0], ['', '', ''], people[1], people[0], people[2]].filter((row) => row !== undefined);
    }
    const result = await client.replaceUsers(audienceId, {
      schema: SCHEMA,
      rows: stream(),
      estimatedTotal: 5,
    });
    expect(result).toMatchObject({ batches: 1, rowsSent: 3, rowsSkipped: 2 });
    expect(fake.members(audienceId)).toEqual(keys(people));
  });

  it('refuses a replace with nothing to send, before any request', async () => {
    const audienceId = fake.createAudience();
    const before = fake.requests.length;
    await expect(client.replaceUsers(audienceId, { schema: SCHEMA, rows: [] })).rejects.toThrow(
      /at least one row.*remove its members/,
    );
    expect(fake.requests).toHaveLength(before);
  });

  it('refuses ids that are not Meta’s decimal ids, so they never reshape the request path', async () => {
    await expect(client.addUsers('123/../act_9', { schema: SCHEMA, rows: rows(0, 1) })).rejects.toThrow(
      /custom audience id must be digits/,
    );
    await expect(client.createCustomAudience('act_12?x=1', { name: 'x' })).rejects.toThrow(/ad account id/);
  });
});
