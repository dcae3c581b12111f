import { gzipSync } from 'node:zlib';
import type { Metadata } from '@grpc/grpc-js';
import { FuzzTally, fuzzRuns } from '@prism/testing/fuzz';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_TYPES } from '../domain/tracking-message.js';
import { type ProfileHarness, startProfileHarness } from '../testing/harness.js';
import { basicAuth } from './test-support.js';

const tally = new FuzzTally('http tracking api');
let harness: ProfileHarness;
let space: { writeKey: string; metadata: Metadata };
beforeAll(async () => {
  harness = await startProfileHarness();
  space = await harness.createSpace('fuzz-http');
});
afterAll(async () => {
  tally.print();
  await harness.stop();
});

const header = fc.stringMatching(/^[\x21-\x7e]{0,30}$/);
const contentType = fc.oneof(
  fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
  header,
);
const anyField = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom('__proto__', 'constructor', ''));
/** Messages that are usually invalid: wrong types, unknown types, missing keys, odd timestamps. */
const badMessage = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record(
    {
      type: fc.constantFrom(...MESSAGE_TYPES, 'x', ''),
      userId: anyField,
      anonymousId: anyField,
      event: anyField,
      traits: anyField,
      context: anyField,
      timestamp: fc.oneof(
        anyField,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
    },
    { requiredKeys: [] },
  ),
);
/** A batch: `null` is where a good message goes, anything else is sent as it is. */
const batchPlan = fc.array(fc.option(badMessage, { freq: 2, nil: null }), { minLength: 1, maxLength: 6 });

/** A fresh identify each time: its user id and trait say which request carried it. */
let sentGood = 0;
const goodIdentify = () => {
  const userId = `good-${++sentGood}`;
  return { type: 'identify', userId, traits: { fuzzed: userId } };
};
const goodAccepted: string[] = [];

function post(path: string, body: Uint8Array | string, headers: Record<string, string>) {
  return fetch(`${harness.httpUrl}${path}`, {
    method: 'POST',
    headers: { authorization: basicAuth(space.writeKey), ...headers },
    body,
  });
}

describe('fuzz: the HTTP Tracking API', () => {
  it('answers batches mixing good and bad messages with 200, refusing each bad one by its field', async () => {
    await fc.assert(
      fc.asyncProperty(batchPlan, fc.boolean(), contentType, async (plan, gzipped, type) => {
        tally.tried();
        const batch = plan.map((message) => message ?? goodIdentify());
        const goodIndexes = plan.flatMap((message, index) => (message === null ? [index] : []));
        const json = JSON.stringify({ batch });
        const headers = { 'content-type': type, ...(gzipped && { 'content-encoding': 'gzip' }) };
        const response = await post('/v1/batch', gzipped ? gzipSync(json) : json, headers);
        const body = (await response.json()) as { rejected: { index: number; field: string }[] };
        expect(response.status, JSON.stringify(body)).toBe(goodIndexes.length > 0 ? 200 : 400);
        for (const { index, field } of body.rejected) {
          expect(goodIndexes).not.toContain(index);
          expect(field.startsWith(`batch[${index}]`), field).toBe(true);
        }
        if (response.status === 200)
          goodAccepted.push(...goodIndexes.map((index) => (batch[index] as { userId: string }).userId));
      }),
      { numRuns: fuzzRuns(100) },
    );
  });

  it('answers any bytes, encoding and content type with a 2xx or 4xx naming what is wrong', async () => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue().map((value) => JSON.stringify(value) ?? ''),
      fc.uint8Array({ maxLength: 300 }).map((raw) => gzipSync(raw)),
      fc.tuple(badMessage, fc.nat()).map(([value, cut]) => {
        const zipped = gzipSync(JSON.stringify(value) ?? '');
        return zipped.subarray(0, cut % (zipped.length + 1));
      }),
    );
    const encoding = fc.oneof(fc.constantFrom('gzip', 'identity', 'br', 'GZIP ', ''), header);
    const route = fc.constantFrom(...MESSAGE_TYPES, 'batch');
    await fc.assert(
      fc.asyncProperty(route, bytes, encoding, contentType, async (path, body, coding, type) => {
        tally.tried();
        const response = await post(`/v1/${path}`, body, {
          'content-type': type,
          'content-encoding': coding,
        });
        const answer = (await response.json()) as { error?: string; rejected?: { field: string }[] };
        expect([200, 400, 413], JSON.stringify(answer)).toContain(response.status);
        if (response.status !== 200) expect(answer.error).toMatch(/^[A-Z_]+$/);
        for (const rejection of answer.rejected ?? []) expect(typeof rejection.field).toBe('string');
      }),
      { numRuns: fuzzRuns(150) },
    );
  });

  it('keeps every good message of the accepted batches: each reaches its profile', async () => {
    expect(goodAccepted.length).toBeGreaterThan(0);
    await Promise.all(goodAccepted.map((userId) => expectProfileOf(userId)));
  });
});

/** Waits for the profile of `userId`, which carries its own id as the trait `fuzzed`. */
async function expectProfileOf(userId: string): Promise<void> {
  const profile = await harness.eventually(async () => {
    const found = await harness
      .profileApi(harness.profiles.getProfile, { lookup: `user_id:${userId}`, traitKeys: [] }, space.metadata)
      .catch(() => undefined);
    return found?.profile;
  });
  expect(profile.traits?.fuzzed).toBe(userId);
}
