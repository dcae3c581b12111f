import { AudienceKind, type AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { Operator } from '@prism/proto/prism/rules/v1/rule';
import { eventually } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';

let harness: AudienceHarness;
beforeAll(async () => {
  harness = await startAudienceWorld();
}, 60_000);
afterAll(() => harness?.stop());

const createAudience = (client: AudienceServiceClient) => client.createAudience;
const trait = (key: string, operator: Operator, value: unknown) => ({
  node: { $case: 'trait' as const, value: { key, operator, value } },
});
const identify = (userId: string, traits: Record<string, unknown>) => ({ type: 'identify', userId, traits });

interface Changed {
  audienceKey: string;
  profileId: string;
  identifiers: { type: string; value: string }[];
  traits: Record<string, unknown>;
  cause: { kind: string; eventId?: string };
}

describe('live membership', () => {
  it('publishes entered and exited as profiles change, with identifiers, named traits and cause', async () => {
    await harness.send('acme', [
      identify('ada', { plan: 'pro', age: 36 }),
      identify('bob', { plan: 'free', age: 41 }),
    ]);
    await harness.caughtUp();
    const { audience, warnings } = await harness.call('acme', createAudience, {
      spec: {
        key: 'pro_users',
        name: 'Pro users',
        description: '',
        kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
        rule: trait('plan', Operator.OPERATOR_EQUALS, 'pro'),
      },
    });
    expect(warnings).toEqual([]);
    const live = await harness.live('acme', audience!.id);
    expect(Number(live.size)).toBe(1);

    await harness.send('acme', [identify('bob', { plan: 'pro' }), identify('ada', { plan: 'free' })]);
    const events = await eventually(async () => {
      const found = await harness.audienceEvents('acme', (event) => event.type !== 'prism.audience.computed');
      return found.length >= 3 ? found : undefined;
    });
    const changes = events.map((event) => ({ type: event.type, ...(event.data as Changed) }));
    expect(changes.map((change) => change.type)).toEqual([
      'prism.audience.entered',
      'prism.audience.entered',
      'prism.audience.exited',
    ]);
    const bobEntered = changes[1] as Changed & { type: string };
    expect(bobEntered.identifiers).toContainEqual({ type: 'user_id', value: 'bob' });
    expect(bobEntered.traits).toEqual({ plan: 'pro' });
    expect(bobEntered.cause.kind).toBe('PROFILE_EVENT');
    expect(bobEntered.cause.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(changes[0]?.cause.kind).toBe('RECOMPUTE');
    const subjects = await harness.world.bus.jsm.streams.getMessage(
      `${harness.world.infra.subjectPrefix.toUpperCase()}_AUDIENCE`,
      { seq: 1 },
    );
    expect(subjects.subject).toBe(`${harness.world.infra.subjectPrefix}.acme.audience.pro_users.entered`);
  });
});
