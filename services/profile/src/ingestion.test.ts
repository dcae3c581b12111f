import { Analytics } from '@segment/analytics-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProfileHarness, startProfileHarness } from './testing/harness.js';

describe('ingestion through the Segment HTTP API', () => {
  let harness: ProfileHarness;
  beforeAll(async () => {
    harness = await startProfileHarness();
  }, 60_000);
  afterAll(() => harness?.stop());

  it('turns identify, track and alias calls of the real Segment SDK into one profile with traits', async () => {
    const { writeKey, metadata } = await harness.createSpace('acme-prod');
    const analytics = new Analytics({ writeKey, host: harness.httpUrl, flushAt: 10, flushInterval: 50 });
    analytics.identify({ anonymousId: 'anon-1', traits: { email: 'Jane@Example.com', plan: 'free' } });
    analytics.track({ anonymousId: 'anon-1', event: 'Order Completed', properties: { total: 42 } });
    analytics.identify({ userId: 'user-1', anonymousId: 'anon-1', traits: { plan: 'pro' } });
    await analytics.closeAndFlush();

    const profile = await harness.eventually(async () => {
      const { profile } = await harness.profileApi(
        harness.profiles.getProfile,
        { lookup: 'email:jane@example.com', traitKeys: [] },
        metadata,
      );
      return profile?.traits?.plan === 'pro' ? profile : undefined;
    });
    expect(profile.identifiers).toEqual(
      expect.arrayContaining([
        { type: 'anonymous_id', value: 'anon-1' },
        { type: 'email', value: 'jane@example.com' },
        { type: 'user_id', value: 'user-1' },
      ]),
    );
    const byUser = await harness.profileApi(
      harness.profiles.getProfile,
      { lookup: 'user_id:user-1', traitKeys: [] },
      metadata,
    );
    expect(byUser.profile?.profileId).toBe(profile.profileId);
    const { events } = await harness.profileApi(
      harness.profiles.listProfileEvents,
      { lookup: `profile_id:${profile.profileId}`, pageSize: 10, pageToken: '', name: '' },
      metadata,
    );
    expect(events.map((event) => event.type)).toEqual(['identify', 'track', 'identify']);
    const kinds = (await harness.profileEvents('acme-prod')).map((event) => event.type);
    expect(kinds.filter((kind) => kind === 'prism.profile.created')).toHaveLength(1);
    expect(kinds).toContain('prism.profile.traits_changed');
  }, 30_000);
});
