import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceKind } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { rpcFailureOf } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, windowOf } from './domain/audience-days.js';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
}, 60_000);
afterAll(() => harness?.stop());

const identify = (userId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId, traits });
const analytics = (audience: string, days: number) =>
  harness.call('acme', (c) => c.getAudienceAnalytics, { audience, days });

async function createProAudience(key: string) {
  const { audience } = await harness.call('acme', (c) => c.createAudience, {
    spec: {
      key,
      name: key,
      description: '',
      kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
      rule: {
        node: { $case: 'trait', value: { key: 'plan', operator: Operator.OPERATOR_EQUALS, value: 'pro' } },
      },
    },
  });
  return harness.live('acme', audience?.id ?? key);
}

describe('GetAudienceAnalytics', () => {
  it('counts entered and exited per day from membership changes, one row per day of the window', async () => {
    await harness.send('acme', [
      identify('ana', { plan: 'pro' }),
      identify('ben', { plan: 'pro' }),
      identify('cal', { plan: 'free' }),
    ]);
    await harness.caughtUp();
    await createProAudience('pro_plan');
    await harness.send('acme', [identify('ana', { plan: 'free' }), identify('cal', { plan: 'pro' })]);
    await eventually(async () =>
      (await analytics('pro_plan', 3)).days.at(-1)?.exited === 1 ? true : undefined,
    );

    const answer = await analytics('pro_plan', 3);
    const today = dayOf(Date.now());
    expect(answer.size).toBe(2);
    expect(answer.days).toEqual([
      ...windowOf(Date.parse(today), 3)
        .dates.slice(0, 2)
        .map((date) => ({ date, entered: 0, exited: 0, size: 0 })),
      { date: today, entered: 3, exited: 1, size: 2 },
    ]);
  });

  it('answers 30 days when none are asked for, and refuses more than 366', async () => {
    await createProAudience('pro_window');
    expect((await analytics('pro_window', 0)).days).toHaveLength(30);
    const tooMany = await rpcFailureOf(analytics('pro_window', 367));
    expect(tooMany.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(tooMany).fieldViolations.map((violation) => violation.field)).toEqual(['days']);
  });

  it('answers NOT_FOUND for an audience the space does not have, and once it is deleted', async () => {
    const unknown = await rpcFailureOf(analytics('no_such_audience', 7));
    expect(unknown.code).toBe(status.NOT_FOUND);
    await createProAudience('short_lived');
    await harness.call('acme', (c) => c.deleteAudience, { audience: 'short_lived', expectedVersion: 0 });
    expect((await rpcFailureOf(analytics('short_lived', 7))).code).toBe(status.NOT_FOUND);
  });
});
