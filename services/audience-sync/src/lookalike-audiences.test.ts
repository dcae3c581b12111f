import { status } from '@grpc/grpc-js';
import type { PrismEvent } from '@prism/bus';
import { readErrorDetails } from '@prism/errors';
import { type Audience, AudienceKind } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { plantedAudience } from '@prism/segment-generation/testing/planted.js';
import { eventually } from '@prism/testing';
import { rpcFailureOf } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';
import { audienceStarterWith } from './testing/starter.js';

/** A lookalike follows its seed at most this often here (a day in production). */
const REFRESH_MS = 3_000;
const PEOPLE = 200;

const planted = plantedAudience({ seed: 11, size: PEOPLE });
const userOf = (row: number) => `lk${row}`;
const segment = planted.truth[0];
/** Users of one planted segment, and everyone else. */
const inSegment = planted.truth.flatMap((truth, row) => (truth === segment ? [userOf(row)] : []));

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld({
    'audience-sync': audienceStarterWith({ AUDIENCE_LOOKALIKE_REFRESH_MS: String(REFRESH_MS) }),
  });
  await harness.send(
    'acme',
    planted.profiles.map(({ traits }, row) => ({ type: 'identify', userId: userOf(row), traits })),
  );
  await harness.caughtUp();
  await createAudience('segment_seed', AudienceKind.AUDIENCE_KIND_STATIC);
  await addToSeed(inSegment.slice(0, 10));
}, 60_000);
afterAll(() => harness?.stop());

function createAudience(key: string, kind: AudienceKind, more: Record<string, unknown> = {}) {
  return harness.call('acme', (c) => c.createAudience, {
    spec: { key, name: key, description: '', kind, ...more },
  });
}
const lookalikeOf = (seedAudienceKey: string, percent: number) => ({
  lookalike: { seedAudienceKey, percent },
});

function addToSeed(users: readonly string[]) {
  return harness.call('acme', (c) => c.addMembers, {
    audience: 'segment_seed',
    identifiers: users.map((user) => `user_id:${user}`),
  });
}

/** The users who are members, sorted. */
async function usersIn(audience: string): Promise<string[]> {
  const page = await harness.call('acme', (c) => c.listMembers, {
    audience,
    pageSize: 1000,
    pageToken: '',
    sortBy: '',
    descending: false,
  });
  return page.members.flatMap((member) => member.identifiers.map((identifier) => identifier.value)).sort();
}

const get = async (audience: string) =>
  (await harness.call('acme', (c) => c.getAudience, { audience })).audience as Audience;
const eventsOf = (key: string) =>
  harness.audienceEvents(
    'acme',
    (event: PrismEvent) => (event.data as { audienceKey: string }).audienceKey === key,
  );
const userOfEvent = (event: PrismEvent) =>
  (event.data as { identifiers?: { value: string }[] }).identifiers?.[0]?.value;

describe('lookalike audiences', () => {
  it('hold the percent of the seed’s non-members most like it, never a seed member, announced as entries', async () => {
    const { audience } = await createAudience(
      'segment_like',
      AudienceKind.AUDIENCE_KIND_LOOKALIKE,
      lookalikeOf('segment_seed', 10),
    );
    expect(audience?.lookalike).toEqual({ seedAudienceKey: 'segment_seed', percent: 10 });
    const live = await harness.live('acme', 'segment_like');
    expect(Number(live.size)).toBe(Math.ceil((PEOPLE - 10) * 0.1));
    const seed = await usersIn('segment_seed');
    const members = await usersIn('segment_like');
    expect(members).toHaveLength(19);
    expect(members.filter((user) => seed.includes(user))).toEqual([]);
    // Mostly the seed's planted segment, which is about a quarter of the space.
    const alike = members.filter((user) => inSegment.includes(user)).length;
    expect(alike / members.length).toBeGreaterThan(0.8);

    const events = await eventually(async () => {
      const found = await eventsOf('segment_like');
      return found.some((event) => event.type === 'prism.audience.computed') ? found : undefined;
    });
    const entered = events.filter((event) => event.type === 'prism.audience.entered');
    expect(entered.map(userOfEvent).sort()).toEqual(members);
    expect(events.at(-1)?.data).toMatchObject({ size: 19, entered: 19 });
  });

  it('lose a member who joins the seed at once, and are ranked again on demand', async () => {
    const before = await usersIn('segment_like');
    const joining = before.slice(0, 10);
    await addToSeed(joining);
    await eventually(async () =>
      (await usersIn('segment_like')).some((user) => joining.includes(user)) ? undefined : true,
    );
    const exited = await eventually(async () => {
      const found = (await eventsOf('segment_like')).filter(
        (event) => event.type === 'prism.audience.exited',
      );
      return found.length >= joining.length ? found : undefined;
    });
    expect(exited.map(userOfEvent).sort()).toEqual(joining);

    await harness.call('acme', (c) => c.recomputeAudience, { audience: 'segment_like' });
    const members = await usersIn('segment_like');
    expect(members).toHaveLength(Math.ceil((PEOPLE - 20) * 0.1));
    const seed = await usersIn('segment_seed');
    expect(members.filter((user) => seed.includes(user))).toEqual([]);
  });

  it('follow a change of the seed by themselves, at most once per refresh interval', async () => {
    const computed = (await get('segment_like')).status?.lastComputedTime as Date;
    const more = inSegment.slice(20, 30);
    await addToSeed(more);
    const seed = await usersIn('segment_seed');
    const refreshed = await eventually(async () => {
      const audience = await get('segment_like');
      const at = audience.status?.lastComputedTime;
      return at && at.getTime() > computed.getTime() ? audience : undefined;
    }, 4 * REFRESH_MS);
    expect(refreshed.status?.lastComputedTime?.getTime()).toBeGreaterThanOrEqual(
      computed.getTime() + REFRESH_MS,
    );
    expect(Number(refreshed.size)).toBe(Math.ceil((PEOPLE - seed.length) * 0.1));
    expect((await usersIn('segment_like')).filter((user) => seed.includes(user))).toEqual([]);
  });

  it('name the field of a wrong spec, and refuse an unknown seed, a cycle and member changes', async () => {
    const wrongPercent = await rpcFailureOf(
      createAudience('too_many', AudienceKind.AUDIENCE_KIND_LOOKALIKE, lookalikeOf('segment_seed', 11)),
    );
    expect(wrongPercent.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(wrongPercent).fieldViolations?.map((violation) => violation.field)).toEqual([
      'spec.lookalike.percent',
    ]);
    const noSeed = await rpcFailureOf(createAudience('no_seed', AudienceKind.AUDIENCE_KIND_LOOKALIKE));
    expect(readErrorDetails(noSeed).fieldViolations?.[0]?.field).toBe('spec.lookalike');

    const unknown = await rpcFailureOf(
      createAudience('orphan_like', AudienceKind.AUDIENCE_KIND_LOOKALIKE, lookalikeOf('nobody', 5)),
    );
    expect(unknown.code).toBe(status.FAILED_PRECONDITION);
    expect(readErrorDetails(unknown).errorInfo?.reason).toBe('AUDIENCE_UNKNOWN');

    const rule = { node: { $case: 'trait', value: { key: 'age', operator: Operator.OPERATOR_EXISTS } } };
    await createAudience('with_age', AudienceKind.AUDIENCE_KIND_DYNAMIC, { rule });
    await createAudience('with_age_like', AudienceKind.AUDIENCE_KIND_LOOKALIKE, lookalikeOf('with_age', 5));
    const cycle = await rpcFailureOf(
      harness.call('acme', (c) => c.updateAudience, {
        audience: 'with_age',
        name: 'with_age',
        description: '',
        rule: { node: { $case: 'audience', value: { audienceKey: 'with_age_like' } } },
        expectedVersion: 0,
      }),
    );
    expect(readErrorDetails(cycle).errorInfo?.reason).toBe('AUDIENCE_CYCLE');
    expect(cycle.details).toContain('with_age → with_age_like → with_age');

    const added = await rpcFailureOf(
      harness.call('acme', (c) => c.addMembers, { audience: 'with_age_like', identifiers: ['user_id:lk1'] }),
    );
    expect(readErrorDetails(added).errorInfo?.reason).toBe('WRONG_AUDIENCE_KIND');
    const seedInUse = await rpcFailureOf(
      harness.call('acme', (c) => c.deleteAudience, { audience: 'with_age', expectedVersion: 0 }),
    );
    expect(readErrorDetails(seedInUse).errorInfo?.reason).toBe('AUDIENCE_IN_USE');
  });
});
