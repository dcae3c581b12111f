import {
  type Bus,
  deadLetterStreamName,
  type OwningService,
  type PrismEvent,
  streamName,
  subjectOf,
} from '@prism/bus';
import { AudienceApproach, type Campaign } from '@prism/proto/prism/strategy/v1/strategy';
import { approachCodec } from '@prism/proto/vocabulary';
import { expect, vi } from 'vitest';
import { assertCampaignAudience, audienceSettled, spaceProfiles } from './audience-agreement.js';
import { type CampaignClient, getCampaign } from './clicks.js';
import { type ConvergenceWorld, SPACE } from './harness.js';
import type { World } from './world.js';

/** The agreement of docs/architecture.md §3, checked once the system is quiet after a scenario. */

const CONVERGENCE_TIMEOUT_MS = 15_000;
const REPLAY_MS_PER_EVENT = 50;
const { AUDIENCE_APPROACH_STRATEGY_PERSONAS: PERSONAS, AUDIENCE_APPROACH_AI_SEGMENTS: AI } = AudienceApproach;

/** The campaign consumers of the followers, then the strategy service's read model of what they hold. */
const CAMPAIGN_CONSUMERS = [
  ['strategy', 'persona_campaigns'],
  ['strategy', 'segments_campaigns'],
] as const;
const SELECTION_CONSUMERS = [
  ['persona', 'strategy_persona_selections'],
  ['segments', 'strategy_segment_selections'],
] as const;

const idle = async (world: ConvergenceWorld, consumers: readonly (readonly [OwningService, string])[]) =>
  (await Promise.all(consumers.map(([owner, durable]) => world.consumerIdle(owner, durable)))).every(Boolean);

/**
 * Quiet: both followers' projections hold every campaign's last epoch, their campaign consumers
 * are idle, whatever those wrote is published, the read model has consumed it, and audience-sync
 * has built each campaign's audience at its last epoch (in that order, so each condition holds
 * for what the previous one produced).
 */
async function settled(world: World, campaigns: CampaignClient[]): Promise<void> {
  const { h } = world;
  for (const { id } of campaigns) {
    const truth = await getCampaign(world, id);
    const expected = {
      approach: approachCodec.fromProto(truth.approach),
      epoch: truth.epoch,
      ...(truth.strategyId && { strategyId: truth.strategyId }),
    };
    expect(await h.persona.repos.campaignStates.find(SPACE, id), `persona's projection of ${id}`).toEqual(
      expected,
    );
    expect(await h.segments.repos.campaignStates.find(SPACE, id), `segments' projection of ${id}`).toEqual(
      expected,
    );
  }
  expect(await idle(h.world, CAMPAIGN_CONSUMERS), 'campaign consumers idle').toBe(true);
  for (const { repos } of [h.persona, h.segments]) {
    expect(await repos.storage.unpublished(), 'unpublished outboxes').toEqual([]);
  }
  expect(await idle(h.world, SELECTION_CONSUMERS), 'read model consumers idle').toBe(true);
  await audienceSettled(world, campaigns);
}

/**
 * Bounded wait until `settled`. The bound grows with the campaign history, which a replaying
 * restart redelivers whole (tens of milliseconds an event on FerretDB).
 */
export async function convergence(world: World, campaigns: CampaignClient[]): Promise<void> {
  const { bus } = world.h;
  const history = await eventCount(bus, 'strategy', 'campaign.*');
  const timeout = CONVERGENCE_TIMEOUT_MS + history * REPLAY_MS_PER_EVENT;
  await vi.waitFor(() => settled(world, campaigns), { timeout, interval: 50 });
}

export interface StreamTotals {
  personasCleared: number;
  segmentsGenerated: number;
  segmentsCleared: number;
}

/** Asserts the agreement for every campaign of the scenario; what the streams hold so far. */
export async function assertConverged(world: World, campaigns: CampaignClient[]): Promise<StreamTotals> {
  const { bus } = world.h;
  const personaEvents = await streamEvents(bus, 'persona', 'campaign.personas.*');
  const segmentEvents = await streamEvents(bus, 'segments', 'campaign.segments.*');
  const profiles = await spaceProfiles(world);
  for (const client of campaigns) {
    const ofCampaign = (events: PrismEvent[]) => events.filter((event) => event.subject === client.id);
    await assertCampaign(world, client, ofCampaign(personaEvents), ofCampaign(segmentEvents));
    await assertCampaignAudience(world, client.id, profiles);
  }
  const generationIds = ofKind(segmentEvents, 'generated').map((event) => dataOf(event).generationId);
  expect(duplicatesIn(generationIds), 'campaign.segments.generated published twice').toEqual([]);
  // A consumer that gave up on an event would have lost an epoch.
  const dlq = await bus.jsm.streams.info(deadLetterStreamName(bus.prefix));
  expect(dlq.state.messages, 'dead-lettered events').toBe(0);
  return {
    personasCleared: ofKind(personaEvents, 'cleared').length,
    segmentsGenerated: generationIds.length,
    segmentsCleared: ofKind(segmentEvents, 'cleared').length,
  };
}

/** Each follower holds nothing older than the last epoch, and the read model shows what they hold. */
async function assertCampaign(
  world: World,
  client: CampaignClient,
  personaEvents: PrismEvent[],
  segmentEvents: PrismEvent[],
): Promise<void> {
  const truth = await getCampaign(world, client.id);
  const personaIds = await assertPersonaSelection(world, truth);
  assertEpochsMoveForward(personaEvents, 'campaign.personas');
  const segments = await assertSegments(world, truth, segmentEvents, client.generated);
  const shown = await world.api.audienceSelection(client.id);
  expect(
    { epoch: shown.campaign?.epoch, personaIds: shown.personaIds, ...segmentsShown(shown) },
    `${client.id}: GetCampaignAudienceSelection`,
  ).toEqual({ epoch: truth.epoch, personaIds, ...segments });
}

/** No persona selection from an older epoch or another strategy survives; the persona ids shown. */
async function assertPersonaSelection(world: World, truth: Campaign): Promise<string[]> {
  const { id } = truth;
  const view = await world.api.selection(id);
  if (truth.approach !== PERSONAS) expect(view.personas, `${id}: selection outside personas`).toEqual([]);
  if (view.personas.length > 0) {
    expect(view.epoch, `${id}: selection epoch`).toBe(truth.epoch);
    for (const persona of view.personas) {
      expect(persona.spec?.strategyId, `${id}: persona of another strategy`).toBe(truth.strategyId);
    }
  }
  const stored = await world.h.persona.repos.selections.find(SPACE, id);
  // None claims an epoch the campaign never had.
  if (stored) expect(stored.epoch, `${id}: stored selection epoch`).toBeLessThanOrEqual(truth.epoch);
  if (stored && stored.personaIds.length > 0) {
    expect(
      { epoch: stored.epoch, strategyId: stored.strategyId, approach: truth.approach },
      `${id}: stored selection`,
    ).toEqual({ epoch: truth.epoch, strategyId: truth.strategyId, approach: PERSONAS });
  }
  return view.personas.map((persona) => persona.id);
}

/**
 * No segments from an older epoch survive, and the segments events tell the stored story: every
 * generation answered was published, the last event is the stored generation (or a clear when none
 * is stored), and epochs only move forward.
 */
async function assertSegments(world: World, truth: Campaign, events: PrismEvent[], answered: string[]) {
  const { id } = truth;
  const published = ofKind(events, 'generated').map((event) => dataOf(event).generationId);
  expect(
    answered.filter((generationId) => !published.includes(generationId)),
    `${id}: generations answered but never published`,
  ).toEqual([]);
  const stored = await world.h.segments.repos.campaignSegments.find(SPACE, id);
  if (stored) expect(stored.epoch, `${id}: stored segments epoch`).toBeLessThanOrEqual(truth.epoch);
  assertEpochsMoveForward(events, 'campaign.segments');
  const last = events.at(-1);
  if (!stored || stored.segments.length === 0) {
    if (last) expect(kindOf(last), `${id}: last segments event with none stored`).toBe('cleared');
    return { generationId: '', segmentIds: [] };
  }
  expect(
    { epoch: stored.epoch, strategyId: stored.strategyId, approach: truth.approach },
    `${id}: stored segments`,
  ).toEqual({ epoch: truth.epoch, strategyId: truth.strategyId, approach: AI });
  expect(
    last && { kind: kindOf(last), epoch: Number(last.prismepoch), generationId: dataOf(last).generationId },
    `${id}: last segments event`,
  ).toEqual({ kind: 'generated', epoch: stored.epoch, generationId: stored.generationId });
  return { generationId: stored.generationId, segmentIds: stored.segments.map((segment) => segment.id) };
}

/**
 * A follower writes what it holds only at the epoch it holds or a newer one, and clears only when
 * the epoch moves on: so a campaign's events never go back, and no clear repeats an epoch.
 */
function assertEpochsMoveForward(events: PrismEvent[], family: string): void {
  const campaignId = events[0]?.subject;
  const clearedEpochs = ofKind(events, 'cleared').map((event) => event.prismepoch);
  expect(duplicatesIn(clearedEpochs), `${campaignId}: ${family}.cleared twice for an epoch`).toEqual([]);
  events.forEach((event, i) => {
    const before = Number(events[i - 1]?.prismepoch ?? 0);
    const epoch = Number(event.prismepoch);
    const moved = kindOf(event) === 'cleared' ? epoch > before : epoch >= before;
    expect(moved, `${campaignId}: ${family}.${kindOf(event)} at epoch ${epoch} after ${before}`).toBe(true);
  });
}

const segmentsShown = (shown: { generationId: string; segments: { segmentId: string }[] }) => ({
  generationId: shown.generationId,
  segmentIds: shown.segments.map((segment) => segment.segmentId),
});

/** `generated`, `cleared`, `selected`: the last word of the event's type. */
const kindOf = (event: PrismEvent) => event.type.split('.').at(-1);
const ofKind = (events: PrismEvent[], kind: string) => events.filter((event) => kindOf(event) === kind);
const dataOf = (event: PrismEvent) => event.data as { generationId?: string };
const duplicatesIn = <T>(values: T[]) => values.filter((value, i) => values.indexOf(value) !== i);

/** Every event on `<prefix>.*.<kinds>` in a service's stream, in stream order (a throwaway ordered consumer). */
async function streamEvents(bus: Bus, owner: OwningService, kinds: string): Promise<PrismEvent[]> {
  const total = await eventCount(bus, owner, kinds);
  if (total === 0) return [];
  const filter = subjectOf(bus.prefix, '*', kinds);
  const consumer = await bus.js.consumers.get(streamName(bus.prefix, owner), { filterSubjects: filter });
  const events: PrismEvent[] = [];
  for await (const msg of await consumer.fetch({ max_messages: total, expires: 5_000 })) {
    events.push(msg.json<PrismEvent>());
  }
  expect(events).toHaveLength(total);
  return events;
}

/** How many events on `<prefix>.*.<kinds>` a service's stream holds. */
async function eventCount(bus: Bus, owner: OwningService, kinds: string): Promise<number> {
  const filter = subjectOf(bus.prefix, '*', kinds);
  const info = await bus.jsm.streams.info(streamName(bus.prefix, owner), { subjects_filter: filter });
  return Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
}
