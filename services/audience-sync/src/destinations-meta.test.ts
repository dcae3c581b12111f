import { createHash } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceKind } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { rpcFailureOf } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi } from './testing/fake-graph-api.js';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';
import { audienceSource, metaDestination } from './testing/specs.js';
import { audienceStarterWith } from './testing/starter.js';

let harness: AudienceHarness;
let meta: FakeGraphApi;
/** The custom audience the first test's destination fills. */
let proBuyersOnMeta = '';
beforeAll(async () => {
  meta = await FakeGraphApi.start();
  harness = await startAudienceWorld({
    'audience-sync': audienceStarterWith({
      META_GRAPH_URL: meta.baseUrl,
      AUDIENCE_SENSITIVE_TERMS: 'religion, politics',
    }),
  });
  await harness.send('acme', [
    identify('m1', { plan: 'pro', email: ' Ada@Example.com ', interests: ['running'] }),
    identify('m2', { plan: 'pro', email: 'bob@example.com', phone: '+49 170 1234567' }),
    identify('m3', { plan: 'free', email: 'cy@example.com', interests: ['diabetes care'] }),
  ]);
  await harness.caughtUp();
  for (const [key, rule] of [
    ['pro_buyers', trait('plan', Operator.OPERATOR_EQUALS, 'pro')],
    ['diabetes_care', trait('interests', Operator.OPERATOR_CONTAINS, 'diabetes care')],
    ['faith_readers', trait('interests', Operator.OPERATOR_CONTAINS, 'religion')],
  ] as const) {
    const { audience } = await harness.call('acme', (c) => c.createAudience, {
      spec: { key, name: key, description: '', kind: AudienceKind.AUDIENCE_KIND_DYNAMIC, rule },
    });
    await harness.live('acme', audience?.id as string);
  }
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await meta?.close();
});

function identify(userId: string, traits: Record<string, unknown>) {
  return { type: 'identify', userId, traits };
}
function trait(key: string, operator: Operator, value: unknown) {
  return { node: { $case: 'trait' as const, value: { key, operator, value } } };
}
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const metaDestinationOf = (audience: string) =>
  harness.destinationApi('acme', (c) => c.createDestination, {
    spec: metaDestination(`Meta ${audience}`, audienceSource(audience), meta.accessToken, ['EMAIL', 'PHONE']),
  });

/** The custom audience the destination created on Meta (remembered in its settings). */
const customAudienceOf = (destinationId: string) => harness.customAudienceOf('acme', destinationId);

describe('Meta Custom Audiences', () => {
  it('creates the custom audience, fills it by a replace session, then adds and removes normalised, hashed people', async () => {
    const { destination } = await metaDestinationOf('pro_buyers');
    expect(destination?.spec?.settings?.$case === 'meta' && destination.spec.settings.value.accessToken).toBe(
      '',
    );
    const audienceId = await customAudienceOf(destination?.id as string);
    proBuyersOnMeta = audienceId;
    await eventually(async () => (meta.members(audienceId).size === 2 ? true : undefined));
    const held = [...meta.members(audienceId)].join(' ');
    expect(held).toContain(sha256('ada@example.com'));
    expect(held).toContain(sha256('491701234567'));
    expect(meta.requests.filter((request) => request.operation === 'replace')).toHaveLength(1);

    await harness.send('acme', [identify('m3', { plan: 'pro' }), identify('m1', { plan: 'free' })]);
    await harness.caughtUp();
    await eventually(async () => {
      const now = [...meta.members(audienceId)].join(' ');
      return now.includes(sha256('cy@example.com')) && !now.includes(sha256('ada@example.com'))
        ? true
        : undefined;
    });
    expect(meta.members(audienceId).size).toBe(2);
    expect(meta.violations).toEqual([]);
  });

  it('waits out Meta’s rate limits and then syncs', async () => {
    const before = meta.requests.length;
    meta.rateLimitNext(2, 80004);
    await harness.send('acme', [identify('m4', { plan: 'pro', email: 'dee@example.com' })]);
    await harness.caughtUp();
    await eventually(
      async () =>
        [...meta.members(proBuyersOnMeta)].join(' ').includes(sha256('dee@example.com')) ? true : undefined,
      30_000,
    );
    expect(meta.requests.slice(before).map((request) => request.errorCode ?? request.operation)).toEqual([
      80004,
      80004,
      'add',
    ]);
    expect(meta.violations).toEqual([]);
  });

  it('refuses an audience of a sensitive category before anything leaves Prism', async () => {
    const requestsBefore = meta.requests.length;
    const error = await rpcFailureOf(metaDestinationOf('diabetes_care'));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(error).errorInfo?.reason).toBe('SENSITIVE_AUDIENCE');
    expect(error.details).toMatch(/health/);
    expect(meta.requests.length).toBe(requestsBefore);
  });

  it('refuses an audience matching a term configured as sensitive (AUDIENCE_SENSITIVE_TERMS)', async () => {
    const error = await rpcFailureOf(metaDestinationOf('faith_readers'));
    expect(error.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(error).errorInfo?.reason).toBe('SENSITIVE_AUDIENCE');
    expect(error.details).toMatch(/configured as sensitive \("religion"\)/);
  });
});
