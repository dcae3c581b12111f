import { campaignAudienceKey } from '@prism/audience-sync/domain/campaign-selection.js';
import { DEFAULT_TRAIT_MAPPING, personaRule } from '@prism/audience-sync/domain/persona-rule.js';
import { callUnary } from '@prism/grpc';
import { type Audience, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import type { Persona } from '@prism/proto/prism/persona/v1/persona';
import { type Campaign, genderToJSON } from '@prism/proto/prism/strategy/v1/strategy';
import { matchesRule, type Rule, ruleFromProto } from '@prism/rules';
import { keyOf } from '@prism/testing/world';
import { expect } from 'vitest';
import { type CampaignClient, getCampaign } from './clicks.js';
import { SPACE } from './harness.js';
import { AUDIENCE_CAMPAIGN_DURABLES, required, type World } from './world.js';

/**
 * audience-sync's share of the agreement: each campaign's audience is what a from-scratch
 * evaluation of its last epoch's selection (as the persona and segment services hold it) over
 * the space's profiles selects.
 */

/** A campaign's epoch at creation: `campaign.created` selects nothing, so no audience is built yet. */
const CREATED_EPOCH = 1;
const LIVE = ComputeState.COMPUTE_STATE_LIVE;
const PAGE_SIZE = 1000;

/** A profile as rules read it: custom and computed traits (as segment generation reads them too). */
export interface SpaceProfile {
  profileId: string;
  traits: Record<string, unknown>;
}

/** One audience the selection asks for: its key, what it comes from, and its rule. */
interface ExpectedPart {
  key: string;
  personaId: string;
  segmentId: string;
  rule: Rule;
}

const campaignAudience = (world: World, campaignId: string) => {
  const client = world.h.world.clients['audience-sync'];
  return callUnary(client, client.getCampaignAudience, keyOf(SPACE), { campaignId });
};

/**
 * Quiet (for `vi.waitFor`): audience-sync has consumed all campaign history, and each campaign
 * that moved has its union and parts computed at its epoch.
 */
export async function audienceSettled(world: World, campaigns: CampaignClient[]): Promise<void> {
  for (const [owner, durable] of AUDIENCE_CAMPAIGN_DURABLES)
    expect(await world.h.world.consumerIdle(owner, durable), `audience-sync's ${durable} idle`).toBe(true);
  for (const { id } of campaigns) {
    const { epoch } = await getCampaign(world, id);
    if (epoch === CREATED_EPOCH) continue;
    const { union, parts } = await campaignAudience(world, id);
    const states = [union, ...parts].map((audience) => audience?.status?.state);
    expect(
      { epoch: Number(union?.campaign?.epoch), computed: states.every((state) => state === LIVE) },
      `${id}: campaign audience`,
    ).toEqual({ epoch, computed: true });
  }
}

/** Every profile of the space, read from the profile service. */
export async function spaceProfiles(world: World): Promise<SpaceProfile[]> {
  const client = world.h.profileClient;
  const profiles: SpaceProfile[] = [];
  for await (const batch of client.exportProfiles({ traitKeys: [], batchSize: 10_000 }, keyOf(SPACE))) {
    for (const { profileId, traitsJson, computedTraitsJson } of batch.profiles)
      profiles.push({ profileId, traits: { ...JSON.parse(traitsJson), ...JSON.parse(computedTraitsJson) } });
  }
  return profiles;
}

/**
 * The campaign audience equals the evaluation of the last epoch's selection: each part's members
 * are the profiles its rule matches, the union's are anyone in a part, all at the campaign's
 * epoch; with nothing selected the union is empty and has no parts.
 */
export async function assertCampaignAudience(
  world: World,
  campaignId: string,
  profiles: SpaceProfile[],
): Promise<void> {
  const truth = await getCampaign(world, campaignId);
  const found = await campaignAudience(world, campaignId);
  if (truth.epoch === CREATED_EPOCH) {
    expect({ union: found.union, parts: found.parts }, `${campaignId}: audience before any move`).toEqual({
      union: undefined,
      parts: [],
    });
    return;
  }
  const parts = await selectedParts(world, truth);
  const expected = parts.map((part) => ({
    key: part.key,
    source: { personaId: part.personaId, segmentId: part.segmentId, epoch: truth.epoch },
    members: profiles
      .filter(({ traits }) => matchesRule(part.rule, { traits }))
      .map((p) => p.profileId)
      .sort(),
  }));
  const actual = await Promise.all(
    found.parts.map(async (audience) => ({
      key: audience.key,
      source: sourceOf(audience),
      members: await membersOf(world, audience),
    })),
  );
  expect(actual, `${campaignId}: campaign audience parts`).toEqual(expected);
  const union = required(found.union ?? undefined, 'union');
  expect(
    { epoch: Number(found.epoch), source: sourceOf(union), members: await membersOf(world, union) },
    `${campaignId}: campaign audience union`,
  ).toEqual({
    epoch: truth.epoch,
    source: { personaId: '', segmentId: '', epoch: truth.epoch },
    members: [...new Set(expected.flatMap((part) => part.members))].sort(),
  });
}

/** The personas or segments the campaign holds at its epoch, keyed as audience-sync keys its parts. */
async function selectedParts(world: World, truth: Campaign): Promise<ExpectedPart[]> {
  const base = campaignAudienceKey(truth.id);
  const { personas } = await world.api.selection(truth.id);
  const segments = world.h.world.clients.segments;
  const stored = await callUnary(segments, segments.listCampaignSegments, keyOf(SPACE), {
    campaignId: truth.id,
  });
  return [
    ...personas.map((persona, i) => ({
      key: `${base}_p${i + 1}`,
      personaId: persona.id,
      segmentId: '',
      rule: personaRule(demographicsOf(persona), DEFAULT_TRAIT_MAPPING),
    })),
    ...(stored.segments?.segments ?? []).map((segment, i) => ({
      key: `${base}_s${i + 1}`,
      personaId: '',
      segmentId: segment.id,
      rule: ruleFromProto(required(segment.rule, 'segment rule'), `segments[${i}].rule`),
    })),
  ].sort((a, b) => a.key.localeCompare(b.key));
}

/** A persona's demographics as its events carry them (proto3 JSON: genders by name). */
function demographicsOf(persona: Persona) {
  const demographics = required(persona.spec?.demographics, 'persona demographics');
  return { ...demographics, genders: demographics.genders.map(genderToJSON) };
}

const sourceOf = ({ campaign }: Audience) => ({
  personaId: campaign?.personaId,
  segmentId: campaign?.segmentId,
  epoch: Number(campaign?.epoch),
});

/** An audience's member profile ids, sorted, every page of them. */
export async function membersOf(world: World, audience: Pick<Audience, 'id'>): Promise<string[]> {
  const client = world.h.world.clients['audience-sync'];
  const members: string[] = [];
  let pageToken = '';
  do {
    const page = await callUnary(client, client.listMembers, keyOf(SPACE), {
      audience: audience.id,
      pageSize: PAGE_SIZE,
      pageToken,
      sortBy: '',
      descending: false,
    });
    members.push(...page.members.map((member) => member.profileId));
    pageToken = page.nextPageToken;
  } while (pageToken);
  return members.sort();
}
