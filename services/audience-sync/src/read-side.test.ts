import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceKind, type AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { rpcFailureOf } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
  await harness.send('acme', [
    identify('r1', { age: 31, plan: 'pro', interests: ['running', 'golf'], address: { country: 'ES' } }),
    identify('r2', { age: 19, plan: 'pro', interests: ['chess'], address: { country: 'ES' } }),
    identify('r3', { age: 45, plan: 'free', interests: ['running'], address: { country: 'FR' } }),
    identify('r4', { age: 52, plan: 'pro', address: { country: 'DE' } }),
    identify('r5', { plan: 'free', email: 'ada@example.com' }),
  ]);
  // The other space's people must never show in acme's answers.
  await harness.send('globex', [identify('g1', { age: 33, plan: 'pro' })]);
  await harness.caughtUp();
}, 60_000);
afterAll(() => harness?.stop());

type ProtoRule = NonNullable<Parameters<AudienceServiceClient['createAudience']>[0]['spec']>['rule'];
const trait = (key: string, operator: Operator, value: unknown): ProtoRule => ({
  node: { $case: 'trait', value: { key, operator, value } },
});
const all = (...rules: ProtoRule[]): ProtoRule => ({
  node: { $case: 'all', value: { rules: rules as never } },
});
const not = (rule: ProtoRule): ProtoRule => ({ node: { $case: 'not', value: rule as never } });
function identify(userId: string, traits: Record<string, unknown>) {
  return { type: 'identify', userId, traits };
}

const adultsOnPro = all(
  trait('age', Operator.OPERATOR_GREATER_OR_EQUAL, 25),
  trait('plan', Operator.OPERATOR_EQUALS, 'pro'),
  not(trait('address.country', Operator.OPERATOR_EQUALS, 'DE')),
);

const create = (key: string, rule: ProtoRule) =>
  harness.call('acme', (c) => c.createAudience, {
    spec: { key, name: key, description: '', kind: AudienceKind.AUDIENCE_KIND_DYNAMIC, rule },
  });

const preview = (rule: ProtoRule, sampleSize = 10) =>
  harness.call('acme', (c) => c.previewAudience, { rule, sampleSize });

describe('the read side', () => {
  it('previews an unsaved rule with its exact count, each node’s count and a sample with the named traits', async () => {
    const answer = await preview(adultsOnPro);
    expect(answer.count).toBe(1);
    expect(answer.population).toBe(5);
    expect(answer.tree?.description).toBe('age ≥ 25 and plan = "pro" and not (address.country = "DE")');
    expect(answer.tree?.children.map((node) => [node.path, node.count])).toEqual([
      ['all[0]', 3],
      ['all[1]', 3],
      ['all[2]', 4],
    ]);
    expect(answer.tree?.children[2]?.children.map((node) => [node.path, node.count])).toEqual([
      ['all[2].not', 1],
    ]);
    expect(answer.sample).toHaveLength(1);
    expect(answer.sample[0]?.identifiers).toContainEqual({ type: 'user_id', value: 'r1' });
    expect(answer.sample[0]?.traits).toEqual({ age: 31, plan: 'pro', address: { country: 'ES' } });
    const audiences = await harness.call('acme', (c) => c.listAudiences, {
      pageSize: 100,
      pageToken: '',
      includeCampaignAudiences: true,
    });
    expect(audiences.audiences.map((audience) => audience.key)).not.toContain('_preview');
  });

  it('refuses a preview without a rule, naming the field', async () => {
    const error = await rpcFailureOf(preview(undefined));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(error).fieldViolations?.map((violation) => violation.field)).toEqual(['rule']);
  });

  it('explains why a profile is out: the conditions that fail with the profile’s values', async () => {
    const { audience } = await create('adults_on_pro', adultsOnPro);
    await harness.live('acme', audience?.id as string);
    const young = await harness.call('acme', (c) => c.explainMembership, {
      audience: 'adults_on_pro',
      profile: 'user_id:r2',
    });
    expect(young.member).toBe(false);
    expect(young.summary).toBe('out: age ≥ 25 does not hold (is 19)');
    expect(young.rule?.result).toBe(false);
    expect(young.rule?.children.map((node) => [node.result, node.actual])).toEqual([
      [false, 19],
      [true, 'pro'],
      [true, undefined],
    ]);
    const german = await harness.call('acme', (c) => c.explainMembership, {
      audience: 'adults_on_pro',
      profile: 'user_id:r4',
    });
    expect(german.summary).toBe('out: address.country = "DE" holds (is "DE")');
    const member = await harness.call('acme', (c) => c.explainMembership, {
      audience: 'adults_on_pro',
      profile: 'user_id:r1',
    });
    expect(member.member).toBe(true);
    expect(member.enterTime).toBeInstanceOf(Date);
    expect(member.summary).toMatch(/^in: age ≥ 25 holds \(is 31\); plan = "pro" holds/);
  });

  it('answers NOT_FOUND for a profile of another space', async () => {
    const error = await rpcFailureOf(
      harness.call('acme', (c) => c.explainMembership, { audience: 'adults_on_pro', profile: 'user_id:g1' }),
    );
    expect(error.code).toBe(status.NOT_FOUND);
  });

  it('measures the overlap of two audiences', async () => {
    const runners = await create('runners', trait('interests', Operator.OPERATOR_CONTAINS, 'running'));
    const pro = await create('on_pro', trait('plan', Operator.OPERATOR_EQUALS, 'pro'));
    await harness.live('acme', runners.audience?.id as string);
    await harness.live('acme', pro.audience?.id as string);
    const overlap = await harness.call('acme', (c) => c.getAudienceOverlap, {
      audience: 'runners',
      other: 'on_pro',
    });
    expect(overlap).toEqual({ both: 1, onlyAudience: 1, onlyOther: 2, audienceSize: 2, otherSize: 3 });
  });
});
