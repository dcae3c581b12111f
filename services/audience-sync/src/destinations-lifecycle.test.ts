import { createHash } from 'node:crypto';
import { apiOf, personaSpec, personasCampaign } from '@prism/persona/testing/scenario.js';
import { personaWithAudiencesStarter } from '@prism/persona/testing/starter.js';
import { ComputeState } from '@prism/proto/prism/audience/v1/audience';
import type { DestinationSpec } from '@prism/proto/prism/audience/v1/destinations';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { eventually } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi } from './testing/fake-graph-api.js';
import { type AudienceHarness, startAudienceWorld } from './testing/harness.js';
import {
  audienceSource,
  type DestinationSource,
  metaDestination,
  planAudience,
  webhookDestination,
} from './testing/specs.js';
import { audienceStarterWith } from './testing/starter.js';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver.js';

/** Destinations through a person's deletion and a campaign's rebuilds at new epochs. */
let harness: AudienceHarness;
let api: ReturnType<typeof apiOf>;
let meta: FakeGraphApi;
let receiver: WebhookReceiver;
beforeAll(async () => {
  meta = await FakeGraphApi.start();
  receiver = await startWebhookReceiver({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
  harness = await startAudienceWorld({
    'audience-sync': audienceStarterWith({ META_GRAPH_URL: meta.baseUrl }),
    strategy: strategyStarter,
    persona: personaWithAudiencesStarter,
  });
  const world = harness.world as unknown as { clients: { persona: never; strategy: never } };
  api = apiOf({ personaClient: world.clients.persona, strategyClient: world.clients.strategy });
  await harness.send('acme', people);
  await harness.caughtUp();
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await receiver?.close();
  await meta?.close();
});

const person = (userId: string, email: string, age: number, country: string) => ({
  type: 'identify',
  userId,
  traits: { email, age, plan: 'pro', address: { country } },
});
const people = [
  person('de-1', 'de1@example.com', 30, 'DE'),
  person('de-2', 'de2@example.com', 35, 'DE'),
  person('fr-1', 'fr1@example.com', 32, 'FR'),
  person('fr-2', 'fr2@example.com', 61, 'FR'),
];
const emailOf = new Map(people.map((p) => [p.userId, p.traits.email]));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

interface Delivered {
  type: string;
  data: { profileId: string; epoch?: string; cause: { kind: string } };
}
const deliveredTo = (hook: WebhookReceiver) => hook.deliveries.map(({ body }) => body as Delivered);

/** Each profile's last change at the receiver; the members are those whose last change is an entry. */
const membersAt = (hook: WebhookReceiver, since = 0) => {
  const last = new Map<string, string>();
  for (const event of deliveredTo(hook).slice(since)) last.set(event.data.profileId, event.type);
  return [...last].filter(([, type]) => type === 'prism.audience.entered').map(([id]) => id);
};

/** Hashed emails Meta holds for a custom audience, as user ids. */
const metaHolds = (audienceId: string) => {
  const held = [...meta.members(audienceId)].join(' ');
  return [...emailOf].filter(([, email]) => held.includes(sha256(email))).map(([userId]) => userId);
};

const userIdsOf = (audience: string) => harness.memberUserIds('acme', audience);
const profileIdsOf = (userIds: string[]) => Promise.all(userIds.map(profileIdOf));
const profileIdOf = async (userId: string) =>
  (await harness.profileApi('acme', (c) => c.getProfile, { lookup: `user_id:${userId}`, traitKeys: [] }))
    .profile?.profileId as string;

const sameSet = (a: readonly string[], b: readonly string[]) =>
  JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

function destinationsOf(source: DestinationSource) {
  const create = (spec: DestinationSpec) =>
    harness.destinationApi('acme', (c) => c.createDestination, { spec });
  return {
    webhook: async (hook: WebhookReceiver) => {
      const created = await create(webhookDestination(`Hook ${source.value}`, source, hook.url));
      hook.useSecret(created.webhookSecret);
      return created.destination?.id as string;
    },
    meta: async () => {
      const { destination } = await create(
        metaDestination(`Meta ${source.value}`, source, meta.accessToken, ['EMAIL']),
      );
      return customAudienceOf(destination?.id as string);
    },
  };
}

const customAudienceOf = (destinationId: string) => harness.customAudienceOf('acme', destinationId);

describe('destinations over a member’s deletion and a campaign’s epochs', () => {
  it('removes a deleted person from the webhook and from Meta, and a suppressed identifier never comes back', async () => {
    const { audience } = await harness.call('acme', (c) => c.createAudience, {
      spec: planAudience('pro_people', 'Pro people'),
    });
    await harness.live('acme', audience?.id as string);
    const destinations = destinationsOf(audienceSource('pro_people'));
    await destinations.webhook(receiver);
    const onMeta = await destinations.meta();
    const everyone = await profileIdsOf(people.map((p) => p.userId));
    await eventually(async () => (sameSet(membersAt(receiver), everyone) ? true : undefined));
    await eventually(async () => (metaHolds(onMeta).length === people.length ? true : undefined));

    const deleted = await harness.profileApi('acme', (c) => c.suppressIdentifier, {
      identifier: 'user_id:fr-2',
      deleteProfile: true,
    });
    const gone = deleted.deletedProfileId;
    expect(gone).toBe(everyone[3]);
    await eventually(async () => (membersAt(receiver).includes(gone) ? undefined : true));
    const exit = deliveredTo(receiver).findLast((event) => event.data.profileId === gone);
    expect(exit?.data.cause.kind).toBe('DELETED');
    await eventually(async () => (metaHolds(onMeta).includes('fr-2') ? undefined : true));

    // The same person sends again: the suppressed identifier keeps them out everywhere. A later
    // change of someone else is delivered after anything fr-2 could have caused (stream order).
    const deliveriesBefore = receiver.deliveries.length;
    await harness.send('acme', [person('fr-2', 'fr2@example.com', 61, 'FR')]);
    await harness.send('acme', [{ type: 'identify', userId: 'de-2', traits: { plan: 'free' } }]);
    await harness.caughtUp();
    expect(await userIdsOf('pro_people')).toEqual(['de-1', 'fr-1']);
    await eventually(async () => (membersAt(receiver).includes(everyone[1] as string) ? undefined : true));
    expect(
      deliveredTo(receiver)
        .slice(deliveriesBefore)
        .map((event) => event.data.profileId),
    ).toEqual([everyone[1]]);
    await eventually(async () => (sameSet(metaHolds(onMeta), ['de-1', 'fr-1']) ? true : undefined));
    expect(meta.violations).toEqual([]);
  });

  it('follows a campaign’s audience across epochs: exits then entries, nothing older after newer', async () => {
    const { strategy, campaign } = await personasCampaign(api, 1);
    const persona = (name: string, locations: string[]) =>
      api.createPersona(
        personaSpec(strategy.id, {
          name,
          demographics: { ageRanges: [], genders: [], locations, incomeBand: '', occupation: '' },
        }),
      );
    const germans = await persona('Germans', ['DE']);
    const french = await persona('French', ['FR']);
    const hook = await startWebhookReceiver({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
    const destinations = destinationsOf({ $case: 'campaignId', value: campaign.id });
    await destinations.webhook(hook);
    const onMeta = await destinations.meta();

    const settled = async (userIds: string[], epoch: number) => {
      await eventually(async () => {
        const found = await harness.call('acme', (c) => c.getCampaignAudience, { campaignId: campaign.id });
        const live =
          Number(found.epoch) === epoch && found.union?.status?.state === ComputeState.COMPUTE_STATE_LIVE;
        return live && sameSet(await userIdsOf(found.union?.id as string), userIds) ? true : undefined;
      }, 15_000);
      const expected = await profileIdsOf(userIds);
      await eventually(async () => (sameSet(membersAt(hook), expected) ? true : undefined), 15_000);
      await eventually(async () => (sameSet(metaHolds(onMeta), userIds) ? true : undefined), 15_000);
    };
    await api.select(campaign.id, [germans.id], campaign.epoch);
    await settled(['de-1', 'de-2'], campaign.epoch);

    // Away to AI segments (a new epoch empties the audience), back to personas with the French.
    const away = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      campaign.epoch,
    );
    await settled([], away.epoch);
    const back = await api.setApproach(
      campaign.id,
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
      away.epoch,
    );
    await api.select(campaign.id, [french.id], back.epoch);
    await settled(['fr-1'], back.epoch);

    const epochs = deliveredTo(hook).map((event) => Number(event.data.epoch ?? 0));
    expect(epochs).toEqual([...epochs].sort((a, b) => a - b));
    const germanIds = await profileIdsOf(['de-1', 'de-2']);
    const exits = deliveredTo(hook).filter((event) => event.type === 'prism.audience.exited');
    expect(exits.map((event) => event.data.profileId).sort()).toEqual(germanIds.sort());
    expect(exits.every((event) => Number(event.data.epoch) === away.epoch)).toBe(true);
    expect(hook.refused).toEqual([]);
    expect(meta.violations).toEqual([]);
    await hook.close();
  });
});
