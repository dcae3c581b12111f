import type { ServiceError } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { AudienceKind, type AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { rpcFailureOf } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
}, 60_000);
afterAll(() => harness?.stop());

type ProtoRule = NonNullable<Parameters<AudienceServiceClient['createAudience']>[0]['spec']>['rule'];
const trait = (key: string, operator: Operator, value: unknown): ProtoRule => ({
  node: { $case: 'trait', value: { key, operator, value } },
});
const memberOf = (audienceKey: string): ProtoRule => ({
  node: { $case: 'audience', value: { audienceKey } },
});
const all = (...rules: ProtoRule[]): ProtoRule => ({
  node: { $case: 'all', value: { rules: rules as never } },
});
const identify = (userId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId, traits });

const create = (key: string, rule?: ProtoRule) =>
  harness.call('acme', (c) => c.createAudience, {
    spec: {
      key,
      name: key,
      description: '',
      kind: rule ? AudienceKind.AUDIENCE_KIND_DYNAMIC : AudienceKind.AUDIENCE_KIND_STATIC,
      rule,
    },
  });

const eventsOf = (key: string) =>
  harness.audienceEvents('acme', (event) => (event.data as { audienceKey: string }).audienceKey === key);

describe('audiences of a space', () => {
  it('publishes only the difference when a rule is edited, then one computed summary', async () => {
    await harness.send('acme', [
      identify('e1', { score: 10 }),
      identify('e2', { score: 20 }),
      identify('e3', { score: 30 }),
    ]);
    await harness.caughtUp();
    const { audience } = await create('scored', trait('score', Operator.OPERATOR_GREATER_OR_EQUAL, 20));
    await harness.live('acme', audience!.id);
    const before = (await eventsOf('scored')).length;
    await harness.call('acme', (c) => c.updateAudience, {
      audience: 'scored',
      name: 'scored',
      description: '',
      rule: trait('score', Operator.OPERATOR_GREATER_OR_EQUAL, 15),
      expectedVersion: 1,
    });
    const after = await eventually(async () => {
      const found = (await eventsOf('scored')).slice(before);
      return found.some((event) => event.type === 'prism.audience.computed') ? found : undefined;
    });
    expect(after.map((event) => event.type)).toEqual(['prism.audience.computed']);
    // proto3 JSON leaves zeros out: no one entered or exited.
    expect(after[0]?.data).toMatchObject({ audienceVersion: 2, size: 2 });
    expect(after[0]?.data).not.toHaveProperty('entered');
    await harness.call('acme', (c) => c.updateAudience, {
      audience: 'scored',
      name: 'scored',
      description: '',
      rule: trait('score', Operator.OPERATOR_GREATER_OR_EQUAL, 30),
      expectedVersion: 2,
    });
    const third = await eventually(async () => {
      const found = (await eventsOf('scored')).slice(before + 1);
      return found.some((event) => event.type === 'prism.audience.computed') ? found : undefined;
    });
    expect(third.map((event) => event.type)).toEqual(['prism.audience.exited', 'prism.audience.computed']);
    expect(third[1]?.data).toMatchObject({ size: 1, exited: 1 });
  });

  it('keeps audience-of-audiences current and refuses cycles and unknown audiences', async () => {
    await harness.send('acme', [
      identify('n1', { tier: 'gold', active: true }),
      identify('n2', { tier: 'gold' }),
    ]);
    await harness.caughtUp();
    await create('gold_tier', trait('tier', Operator.OPERATOR_EQUALS, 'gold'));
    const { audience } = await create(
      'active_gold',
      all(memberOf('gold_tier'), trait('active', Operator.OPERATOR_EQUALS, true)),
    );
    const live = await harness.live('acme', audience!.id);
    expect(Number(live.size)).toBe(1);
    await harness.send('acme', [identify('n2', { active: true })]);
    await eventually(async () =>
      (await harness.members('acme', 'active_gold')).length === 2 ? true : undefined,
    );

    const cycle = await rpcFailureOf(
      harness.call('acme', (c) => c.updateAudience, {
        audience: 'gold_tier',
        name: 'gold_tier',
        description: '',
        rule: memberOf('active_gold'),
        expectedVersion: 0,
      }),
    );
    expect(cycle.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(cycle).errorInfo?.reason).toBe('AUDIENCE_CYCLE');
    expect(cycle.details).toContain('gold_tier → active_gold → gold_tier');

    const unknown = await rpcFailureOf(create('orphan', memberOf('no_such_audience')));
    expect(readErrorDetails(unknown).errorInfo?.reason).toBe('AUDIENCE_UNKNOWN');

    const inUse = await rpcFailureOf(
      harness.call('acme', (c) => c.deleteAudience, { audience: 'gold_tier', expectedVersion: 0 }),
    );
    expect(readErrorDetails(inUse).errorInfo?.reason).toBe('AUDIENCE_IN_USE');
    expect(inUse.details).toContain('active_gold');
    const uses = await harness.call('acme', (c) => c.listAudienceUses, { audience: 'gold_tier' });
    expect(uses.uses).toEqual([{ user: { $case: 'audienceKey', value: 'active_gold' } }]);
  });

  it('names the offending field of a wrong rule, refuses rules over the limits, and warns about unseen traits', async () => {
    const wrong = await rpcFailureOf(
      create(
        'wrong',
        all(trait('a', Operator.OPERATOR_EQUALS, 1), trait('b', Operator.OPERATOR_IN, 'not a list')),
      ),
    );
    expect(wrong.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(wrong).fieldViolations?.map((violation) => violation.field)).toEqual([
      'spec.rule.all.rules[1].trait.value',
    ]);
    let deep = trait('a', Operator.OPERATOR_EQUALS, 1);
    for (let level = 0; level < 10; level += 1) deep = all(deep);
    const tooDeep = await rpcFailureOf(create('too_deep', deep));
    expect(tooDeep.code).toBe(status.INVALID_ARGUMENT);
    expect(tooDeep.details).toContain('at most 8 levels');

    const { warnings } = await create(
      'future_trait',
      trait('loyalty_tier_2027', Operator.OPERATOR_EQUALS, 'x'),
    );
    expect(warnings).toEqual([expect.stringContaining('loyalty_tier_2027')]);
    const badKey = (await rpcFailureOf(
      create('Bad-Key', trait('a', Operator.OPERATOR_EQUALS, 1)),
    )) as ServiceError;
    expect(readErrorDetails(badKey).fieldViolations?.[0]?.field).toBe('spec.key');
  });

  it('keeps static lists by identifier: add, remove, CSV import with each bad row reported', async () => {
    await harness.send('acme', [identify('s1', { email: 'one@example.com' }), identify('s2', {})]);
    await harness.caughtUp();
    const { audience } = await create('vip_list');
    await harness.live('acme', audience!.id);
    const added = await harness.call('acme', (c) => c.addMembers, {
      audience: 'vip_list',
      identifiers: ['user_id:s1', 'user_id:later'],
    });
    expect(added).toMatchObject({ added: 2, pending: 1 });
    expect(Number(added.audience?.size)).toBe(1);
    const csv = ['user_id,name', 's2,Two', ',Empty', 'x,y,z', 'later,Later'].join('\n');
    const imported = await harness.call('acme', (c) => c.importMembers, { audience: 'vip_list', csv });
    expect(imported.imported).toBe(1);
    expect(imported.problems).toEqual([
      { line: 3, reason: 'user_id is empty' },
      { line: 4, reason: 'has 3 columns, the header 2' },
    ]);
    expect(Number(imported.audience?.size)).toBe(2);
    await harness.send('acme', [identify('later', {})]);
    await eventually(async () =>
      (await harness.members('acme', 'vip_list')).length === 3 ? true : undefined,
    );
    const removed = await harness.call('acme', (c) => c.removeMembers, {
      audience: 'vip_list',
      identifiers: ['user_id:s1'],
    });
    expect(removed.removed).toBe(1);
    const check = await harness.call('acme', (c) => c.checkMembership, {
      audience: 'vip_list',
      profile: 'user_id:s1',
    });
    expect(check.member).toBe(false);
    const wrongKind = await rpcFailureOf(
      harness.call('acme', (c) => c.addMembers, { audience: 'scored', identifiers: ['user_id:s1'] }),
    );
    expect(readErrorDetails(wrongKind).errorInfo?.reason).toBe('WRONG_AUDIENCE_KIND');
  });

  it('does not publish an exit and an entry when two members merge; a deleted member exits as deleted', async () => {
    await harness.send('acme', [
      { type: 'identify', anonymousId: 'anon-m1', traits: { club: 'chess' } },
      identify('m1', { club: 'chess' }),
    ]);
    await harness.caughtUp();
    const { audience } = await create('chess_club', trait('club', Operator.OPERATOR_EQUALS, 'chess'));
    await harness.live('acme', audience!.id);
    const before = (await eventsOf('chess_club')).length;
    await harness.send('acme', [{ type: 'identify', userId: 'm1', anonymousId: 'anon-m1', traits: {} }]);
    await harness.caughtUp();
    expect(await harness.members('acme', 'chess_club')).toHaveLength(1);
    expect((await eventsOf('chess_club')).length).toBe(before);

    const [member] = await harness.members('acme', 'chess_club');
    await harness.profileApi('acme', (c) => c.deleteProfile, { lookup: 'user_id:m1' });
    const exited = await eventually(async () => {
      const found = (await eventsOf('chess_club')).slice(before);
      return found.length > 0 ? found : undefined;
    });
    expect(exited.map((event) => event.type)).toEqual(['prism.audience.exited']);
    expect(exited[0]?.data).toMatchObject({ profileId: member, cause: { kind: 'DELETED' } });
    const [exit] = exited as { data: { identifiers: unknown[] } }[];
    expect(exit?.data.identifiers).toContainEqual({
      type: 'user_id',
      value: 'm1',
    });
  });

  it('names identifiers linked after a profile entered (profile.identified)', async () => {
    await harness.send('acme', [
      { type: 'identify', anonymousId: 'anon-late', traits: { newsletter: 'weekly' } },
    ]);
    await harness.caughtUp();
    const { audience } = await create(
      'weekly_readers',
      trait('newsletter', Operator.OPERATOR_EQUALS, 'weekly'),
    );
    await harness.live('acme', audience!.id);
    await harness.send('acme', [
      { type: 'identify', userId: 'late-reader', anonymousId: 'anon-late', traits: {} },
    ]);
    const check = await eventually(async () => {
      const found = await harness.call('acme', (c) => c.checkMembership, {
        audience: 'weekly_readers',
        profile: 'user_id:late-reader',
      });
      return found.member ? found : undefined;
    });
    const page = await harness.call('acme', (c) => c.listMembers, {
      audience: 'weekly_readers',
      pageSize: 10,
      pageToken: '',
      sortBy: '',
      descending: false,
    });
    expect(page.members[0]?.profileId).toBe(check.profileId);
    expect(page.members[0]?.identifiers).toContainEqual({ type: 'user_id', value: 'late-reader' });
  });

  it('names every identifier of a visitor who identified in the batch that created their profile', async () => {
    await harness.send('acme', [
      { type: 'identify', anonymousId: 'anon-quick', traits: { newsletter: 'weekly' } },
      { type: 'identify', userId: 'quick-reader', anonymousId: 'anon-quick', traits: {} },
    ]);
    const check = await eventually(async () => {
      const found = await harness.call('acme', (c) => c.checkMembership, {
        audience: 'weekly_readers',
        profile: 'user_id:quick-reader',
      });
      return found.member ? found : undefined;
    });
    expect(check.member).toBe(true);
  });

  it('keeps every space apart: another space cannot see or change an audience', async () => {
    const missing = await rpcFailureOf(harness.call('globex', (c) => c.getAudience, { audience: 'scored' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    const list = await harness.call('globex', (c) => c.listAudiences, {
      pageSize: 0,
      pageToken: '',
      includeCampaignAudiences: true,
    });
    expect(list.audiences).toEqual([]);
  });
});
