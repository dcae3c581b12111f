import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { generatePopulation } from '@prism/population';
import type { CampaignSegments, GenerateSegmentsResponse } from '@prism/proto/prism/segments/v1/segments';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { eventually } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, failureOf, keyOf, type SegmentsHarness, startSegmentsHarness } from './testing/harness.js';

const acme = keyOf('acme');
const PEOPLE = 400;

const PAIN_POINTS = [
  'no time to train consistently',
  'worried about overspending on the family budget',
  'complicated technology and setup',
  'joint pain and staying mobile in retirement',
];

describe('GenerateSegments on real services', () => {
  let h: SegmentsHarness;

  beforeAll(async () => {
    h = await startSegmentsHarness();
    await h.createProfileSpace('acme');
    await ingestPopulation(h);
  }, 120_000);
  afterAll(() => h?.stop());

  /** A campaign of a strategy linking `profileSpaceId`, switched to AI segments; its id and epoch. */
  const aiCampaign = (profileSpaceId = 'acme') =>
    h.aiCampaign(acme, { profileSpaceId, painPoints: PAIN_POINTS });

  const listed = async (campaignId: string) =>
    (await call(h.segments, h.segments.listCampaignSegments, acme, { campaignId }))
      .segments as CampaignSegments;

  it('streams progress and ends with described segments whose rules reproduce them, stored under the epoch', async () => {
    const { campaignId, epoch } = await aiCampaign();
    const messages = await h.generate({ campaignId, expectedEpoch: epoch, seed: 7 }, acme);
    const percents = progressOf(messages).map((progress) => progress.percent);
    expect(percents.length).toBeGreaterThan(3);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    const result = resultOf(messages);
    const segments = result.segments?.segments ?? [];
    expect(segments.length).toBeGreaterThanOrEqual(3);
    expect(segments.length).toBeLessThanOrEqual(5);
    expect(result.quality?.chosenAutomatically).toBe(true);
    expect(result.segments?.epoch).toBe(epoch);
    expect(segments.reduce((sum, segment) => sum + Number(segment.size), 0)).toBe(PEOPLE);
    for (const segment of segments) {
      expect(segment.name).not.toBe('');
      expect(segment.contrasts.length).toBeGreaterThan(0);
      expect(segment.rule?.node).toBeDefined();
      expect(segment.ruleAgreement?.coverage).toBeGreaterThan(0.5);
      expect(segment.painPoints.every((painPoint) => PAIN_POINTS.includes(painPoint))).toBe(true);
    }
    expect(await listed(campaignId)).toEqual(result.segments);
    const first = segments[0];
    const got = await call(h.segments, h.segments.getSegment, acme, { segmentId: first?.id ?? '' });
    expect(got).toMatchObject({ campaignId, epoch, segment: first });
    const generated = await eventually(async () => {
      const events = await h.storedEvents('segments', 'campaign.segments.generated');
      return events.find((event) => event.subject === campaignId);
    });
    expect(Number(generated.prismepoch)).toBe(epoch);
  });

  it('replaces every segment at once: concurrent readers see the old set or the new one, never a mix', async () => {
    const { campaignId, epoch } = await aiCampaign();
    const first = resultOf(await h.generate({ campaignId, expectedEpoch: epoch, seed: 1 }, acme));
    const oldIds = new Set(first.segments?.segments.map((segment) => segment.id));
    let reading = true;
    const reads: CampaignSegments[] = [];
    const reader = (async () => {
      while (reading) reads.push(await listed(campaignId));
    })();
    const second = resultOf(
      await h.generate(
        { campaignId, expectedEpoch: epoch, seed: 2, segmentCount: 4, context: 'runners' },
        acme,
      ),
    );
    reading = false;
    await reader;
    const generations = new Map([
      [first.segments?.generationId, oldIds],
      [second.segments?.generationId, new Set(second.segments?.segments.map((segment) => segment.id))],
    ]);
    expect(reads.length).toBeGreaterThan(1);
    for (const read of reads) {
      const ids = generations.get(read.generationId);
      expect(ids).toBeDefined();
      expect(read.segments.map((segment) => segment.id).every((id) => ids?.has(id))).toBe(true);
      expect(read.segments.length).toBe(ids?.size);
    }
    expect((await listed(campaignId)).generationId).toBe(second.segments?.generationId);
    const replaced = await failureOf(
      call(h.segments, h.segments.getSegment, acme, { segmentId: [...oldIds][0] ?? '' }),
    );
    expect(replaced.code).toBe(status.NOT_FOUND);
  });

  it('says how the targeting context was understood and reports what was not', async () => {
    const { campaignId, epoch } = await aiCampaign();
    const context = 'focus on Europe, ages 25-40, runners, purple elephants';
    const result = resultOf(await h.generate({ campaignId, expectedEpoch: epoch, context }, acme));
    const phrases = result.context?.understood.map((understood) => understood.phrase.toLowerCase()) ?? [];
    expect(phrases.some((phrase) => phrase.includes('europe'))).toBe(true);
    expect(phrases.some((phrase) => phrase.includes('25'))).toBe(true);
    expect(phrases.some((phrase) => phrase.includes('runner'))).toBe(true);
    expect(result.context?.unrecognised.join(' ')).toContain('purple');
    expect(result.context?.filter).toBeDefined();
    expect(Number(result.segments?.populationSize)).toBeLessThan(PEOPLE);
  });

  it('clears the segments when the approach leaves AI segments, once, and switching back restores nothing', async () => {
    const { campaignId, epoch } = await aiCampaign();
    const generated = resultOf(await h.generate({ campaignId, expectedEpoch: epoch }, acme));
    const wizard = () => call(h.strategy, h.strategy.getCampaignAudienceSelection, acme, { campaignId });
    const shown = await eventually(async () => {
      const selection = await wizard();
      return selection.segments.length > 0 ? selection : undefined;
    });
    expect(shown.generationId).toBe(generated.segments?.generationId);
    expect(shown.segments.map((segment) => segment.segmentId)).toEqual(
      generated.segments?.segments.map((s) => s.id),
    );
    const away = await call(h.strategy, h.strategy.setAudienceApproach, acme, {
      campaignId,
      approach: AudienceApproach.AUDIENCE_APPROACH_NONE,
      expectedEpoch: epoch,
    });
    await eventually(async () => ((await listed(campaignId)).segments.length === 0 ? true : undefined));
    await call(h.strategy, h.strategy.setAudienceApproach, acme, {
      campaignId,
      approach: AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS,
      expectedEpoch: away.campaign?.epoch ?? 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await listed(campaignId)).segments).toEqual([]);
    expect((await wizard()).segments).toEqual([]);
    const cleared = (await h.storedEvents('segments', 'campaign.segments.cleared')).filter(
      (event) => event.subject === campaignId,
    );
    expect(cleared.map((event) => Number(event.prismepoch))).toEqual([away.campaign?.epoch]);
  });

  it('answers bad input with the right code and the offending field, and keeps serving', async () => {
    const { campaignId, epoch } = await aiCampaign();
    const codeOf = async (request: Parameters<SegmentsHarness['generate']>[0], metadata = acme) => {
      const failure = await failureOf(h.generate(request, metadata));
      return { code: failure.code, details: readErrorDetails(failure) };
    };
    const tooMany = await codeOf({ campaignId, expectedEpoch: epoch, segmentCount: 11 });
    expect(tooMany.code).toBe(status.INVALID_ARGUMENT);
    expect(tooMany.details.fieldViolations.map((v) => v.field)).toContain('segment_count');
    const long = await codeOf({ campaignId, expectedEpoch: epoch, context: 'x'.repeat(301) });
    expect(long.details.fieldViolations.map((v) => v.field)).toContain('context');
    expect((await codeOf({ campaignId: 'cmp_missing', expectedEpoch: 1 })).code).toBe(status.NOT_FOUND);
    expect((await codeOf({ campaignId, expectedEpoch: epoch - 1 })).code).toBe(status.ABORTED);
    expect((await codeOf({ campaignId, expectedEpoch: epoch }, keyOf('globex'))).code).toBe(status.NOT_FOUND);

    const personas = await aiCampaign();
    const none = await call(h.strategy, h.strategy.setAudienceApproach, acme, {
      campaignId: personas.campaignId,
      approach: AudienceApproach.AUDIENCE_APPROACH_NONE,
      expectedEpoch: personas.epoch,
    });
    const wrongApproach = await codeOf({
      campaignId: personas.campaignId,
      expectedEpoch: none.campaign?.epoch,
    });
    expect(wrongApproach.code).toBe(status.FAILED_PRECONDITION);
    expect(wrongApproach.details.preconditionReasons).toEqual(['APPROACH_NOT_AI_SEGMENTS']);

    const unlinked = await aiCampaign('');
    const noData = await codeOf({ campaignId: unlinked.campaignId, expectedEpoch: unlinked.epoch });
    expect(noData.details.preconditionReasons).toEqual(['NO_AUDIENCE_DATA']);
    const foreign = await aiCampaign('globex');
    const notReadable = await codeOf({ campaignId: foreign.campaignId, expectedEpoch: foreign.epoch });
    expect(notReadable.details.preconditionReasons).toEqual(['PROFILE_SPACE_NOT_READABLE']);

    expect(
      resultOf(await h.generate({ campaignId, expectedEpoch: epoch, segmentCount: 2 }, acme)).segments
        ?.segments,
    ).toHaveLength(2);
  });
});

/** The planted population's people as identify calls through the Profile API's gRPC Ingest. */
async function ingestPopulation(h: SegmentsHarness) {
  const people = [...generatePopulation({ seed: 11, size: PEOPLE, now: new Date() })];
  const messages = people.map((person) => ({
    type: 'identify',
    messageId: `identify-${person.id}`,
    userId: person.id,
    traits: { ...person.traits },
  }));
  for (let start = 0; start < messages.length; start += 200) {
    await call(h.profiles, h.profiles.ingest, acme, { messages: messages.slice(start, start + 200) });
  }
  await h.profilesIngested(acme, PEOPLE);
}

function progressOf(messages: GenerateSegmentsResponse[]) {
  return messages.flatMap((message) => (message.update?.$case === 'progress' ? [message.update.value] : []));
}

function resultOf(messages: GenerateSegmentsResponse[]) {
  const last = messages.at(-1)?.update;
  if (last?.$case !== 'result') throw new Error('the stream did not end with a result');
  return last.value;
}
