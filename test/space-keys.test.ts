import { credentials, type Metadata, status } from '@grpc/grpc-js';
import { planAudience } from '@prism/audience-sync/testing/specs.js';
import { audienceStarter } from '@prism/audience-sync/testing/starter.js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { personaSpec } from '@prism/persona/testing/scenario.js';
import { personaStarter } from '@prism/persona/testing/starter.js';
import { generatePopulation } from '@prism/population';
import { createProfileSpace, profileStarter } from '@prism/profile/testing/starter.js';
import { KeyKind, SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { generateSegments } from '@prism/segment-generation/testing/harness.js';
import { segmentsStarter } from '@prism/segment-generation/testing/starter.js';
import { strategyStarter } from '@prism/strategy/testing/starter.js';
import { eventually } from '@prism/testing';
import { rpcFailureOf, startWorld, TEST_ADMIN_KEY, type World } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Issue 15: a space made through SpaceService, not configured anywhere, uses every service with
 * its own API key; rotating lets the old key work through its grace and the new one at once;
 * revoking shuts the key out of every service within 5 s.
 */

const starters = {
  strategy: strategyStarter,
  profile: profileStarter(),
  persona: personaStarter,
  segments: segmentsStarter,
  'audience-sync': audienceStarter,
};
const SPACE = 'brand-new';
/** Enough people for segments (MIN_POPULATION is 30). */
const PEOPLE = 40;
const REVOCATION_BOUND_MS = 5000;

let world: World<typeof starters>;
let spaces: SpaceServiceClient;
const operator = apiKeyMetadata(TEST_ADMIN_KEY);

beforeAll(async () => {
  world = await startWorld(starters);
  spaces = new SpaceServiceClient(world.addressOf('profile'), credentials.createInsecure());
}, 60_000);

afterAll(async () => {
  spaces?.close();
  await world?.stop();
});

/** What the space made in each service, so each can be read back with a key. */
interface Made {
  strategyId: string;
  campaignId: string;
  personaId: string;
  audienceKey: string;
}

/** One read of each service, made with `key`. */
function readsWith(key: Metadata, made: Made): Record<string, () => Promise<unknown>> {
  const { strategy, persona, segments, profile } = world.clients;
  const audiences = world.clients['audience-sync'];
  return {
    strategy: () => callUnary(strategy, strategy.getCampaign, key, { campaignId: made.campaignId }),
    persona: () => callUnary(persona, persona.getPersona, key, { personaId: made.personaId }),
    'segment-generation': () =>
      callUnary(segments, segments.listCampaignSegments, key, { campaignId: made.campaignId }),
    profile: () => callUnary(profile, profile.listComputedTraits, key, {}),
    'audience-sync': () => callUnary(audiences, audiences.getAudience, key, { audience: made.audienceKey }),
  };
}

/** Every service answers the key at once (no retry: a key announced before the call must work). */
async function expectAccepted(key: Metadata, made: Made): Promise<void> {
  for (const [service, read] of Object.entries(readsWith(key, made)))
    await expect(read(), `${service} accepts the key`).resolves.toBeDefined();
}

/** Polls until every service answers UNAUTHENTICATED; returns how long that took. */
async function msUntilRefusedEverywhere(key: Metadata, made: Made): Promise<number> {
  const since = Date.now();
  const reads = Object.values(readsWith(key, made));
  await eventually(async () => {
    const codes = await Promise.all(reads.map(async (read) => (await rpcFailureOf(read())).code));
    return codes.every((code) => code === status.UNAUTHENTICATED) ? true : undefined;
  }, 2 * REVOCATION_BOUND_MS);
  return Date.now() - since;
}

/** Through every service with the space's own key: strategy, campaign, persona, profiles, generation, audience. */
async function useEveryService(key: Metadata): Promise<Made> {
  const { strategy, persona, segments, profile } = world.clients;
  const audiences = world.clients['audience-sync'];
  const spec = { name: 'Spring', brand: 'Stride', products: [], objectives: [], profileSpaceId: SPACE };
  const strategyId = (await callUnary(strategy, strategy.createStrategy, key, { spec })).strategy?.id ?? '';
  let campaign = (await callUnary(strategy, strategy.createCampaign, key, { name: 'Launch' })).campaign;
  const personaId =
    (await callUnary(persona, persona.createPersona, key, { spec: personaSpec(strategyId) })).persona?.id ??
    '';

  const messages = [...generatePopulation({ seed: 3, size: PEOPLE, now: new Date() })].map((person) => ({
    type: 'identify',
    messageId: `identify-${person.id}`,
    userId: person.id,
    traits: { ...person.traits },
  }));
  await callUnary(profile, profile.ingest, key, { messages });
  await eventually(async () => {
    for await (const batch of profile.exportProfiles({ traitKeys: ['age'], batchSize: PEOPLE }, key))
      return Number(batch.total) === PEOPLE ? true : undefined;
    return undefined;
  }, 30_000);

  const campaignId = campaign?.id ?? '';
  const select = { campaignId, strategyId, expectedEpoch: campaign?.epoch ?? 0 };
  campaign = (await callUnary(strategy, strategy.selectStrategy, key, select)).campaign;
  const approach = AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS;
  const setApproach = { campaignId, approach, expectedEpoch: campaign?.epoch ?? 0 };
  campaign = (await callUnary(strategy, strategy.setAudienceApproach, key, setApproach)).campaign;
  const generation = { campaignId, expectedEpoch: campaign?.epoch ?? 0, segmentCount: 2 };
  const result = (await generateSegments(segments, generation, key)).at(-1)?.update;
  expect(result?.$case === 'result' && result.value.segments?.segments.length).toBeGreaterThan(0);

  const audienceKey = 'pro_members';
  await callUnary(audiences, audiences.createAudience, key, { spec: planAudience(audienceKey, 'Pro') });
  return { strategyId, campaignId, personaId, audienceKey };
}

describe('a space created through SpaceService, in every service', () => {
  it('works with its own key, rotates with grace, and is shut out everywhere within 5 s of a revoke', async () => {
    const created = await createProfileSpace(world.addressOf('profile'), SPACE);
    const first = apiKeyMetadata(created.apiKey);
    const made = await useEveryService(first);
    const firstKeyId = created.space?.keys.find((key) => key.kind === KeyKind.KEY_KIND_API)?.keyId ?? '';

    const rotation = { spaceId: SPACE, keyId: firstKeyId, graceSeconds: 3600 };
    const rotated = await callUnary(spaces, spaces.rotateKey, operator, rotation);
    const second = apiKeyMetadata(rotated.secret);
    await expectAccepted(second, made);
    await expectAccepted(first, made);

    await callUnary(spaces, spaces.revokeKey, operator, { spaceId: SPACE, keyId: firstKeyId });
    expect(await msUntilRefusedEverywhere(first, made)).toBeLessThan(REVOCATION_BOUND_MS);
    await expectAccepted(second, made);

    const secondKeyId = rotated.key?.keyId ?? '';
    await callUnary(spaces, spaces.revokeKey, operator, { spaceId: SPACE, keyId: secondKeyId });
    expect(await msUntilRefusedEverywhere(second, made)).toBeLessThan(REVOCATION_BOUND_MS);
  }, 90_000);

  it('keeps space administration to the operator key: a space key cannot create a space', async () => {
    const { apiKey } = await createProfileSpace(world.addressOf('profile'), 'another-space');
    const request = { spaceId: 'made-by-a-space', displayName: '' };
    const failure = await rpcFailureOf(
      callUnary(spaces, spaces.createSpace, apiKeyMetadata(apiKey), request),
    );
    expect(failure.code).toBe(status.PERMISSION_DENIED);
  });
});
