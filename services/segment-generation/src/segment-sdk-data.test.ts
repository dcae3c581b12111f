import { adjustedRandIndex, generatePopulation, groundTruth, segmentSpecTraitsOf } from '@prism/population';
import type { GenerateSegmentsResponse } from '@prism/proto/prism/segments/v1/segments';
import { matchesRule, ruleFromProto, traitKeysOf } from '@prism/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, keyOf, type SegmentsHarness, startSegmentsHarness } from './testing/harness.js';
import { identifyWithSegmentSdk } from './testing/segment-sdk.js';

const acme = keyOf('acme');
const PEOPLE = 600;
const now = new Date();
const people = [...generatePopulation({ seed: 11, size: PEOPLE, now })];

describe("GenerateSegments on profiles sent as Segment's SDKs send them (address.country, birthday, company)", () => {
  let h: SegmentsHarness;

  beforeAll(async () => {
    h = await startSegmentsHarness();
    const { writeKey } = await h.createProfileSpace('acme');
    await identifyWithSegmentSdk(h.trackingUrl, writeKey, people, now);
    await h.profilesIngested(acme, PEOPLE);
  }, 120_000);
  afterAll(() => h?.stop());

  const generate = async (context: string) => {
    const { campaignId, epoch } = await h.aiCampaign(acme, { profileSpaceId: 'acme', painPoints: [] });
    return resultOf(await h.generate({ campaignId, expectedEpoch: epoch, seed: 7, context }, acme));
  };

  it("recovers the planted structure: the stored segments' rules sort the people as planted (ARI ≥ 0.9)", async () => {
    const segments = (await generate('')).segments?.segments ?? [];
    expect(segments).toHaveLength(4);
    const rules = segments.map((segment) => ruleFromProto(required(segment.rule)));
    const keys = new Set(rules.flatMap(traitKeysOf));
    expect([...keys].filter((key) => key.startsWith('address.'))).toEqual(['address.country']);
    expect(keys).not.toContain('age');
    const segmentOf = new Map<string, number>();
    for (const person of people) {
      const { profile } = await call(h.profiles, h.profiles.getProfile, acme, {
        lookup: `user_id:${person.id}`,
        traitKeys: [],
      });
      const traits = profile?.traits ?? {};
      segmentOf.set(
        person.id,
        rules.findIndex((rule) => matchesRule(rule, { traits })),
      );
    }
    const ari = adjustedRandIndex(groundTruth(people), segmentOf);
    console.info(
      `ARI of the stored segments' rules on ${PEOPLE} people sent as Segment's SDKs send them: ${ari.toFixed(3)}`,
    );
    expect(ari).toBeGreaterThanOrEqual(0.9);
  });

  it('names the countries people live in, read from address.country, in the geographic focus', async () => {
    const segments = (await generate('')).segments?.segments ?? [];
    const focus = segments.map((segment) => segment.geographicFocus).join(' | ');
    expect(focus).not.toContain('no place stands out');
    for (const country of ['Spain', 'Germany', 'United Kingdom', 'United States'])
      expect(focus).toContain(country);
    expect(segments.map((segment) => segment.demographicProfile).join(' | ')).toMatch(
      /B2B, by employer: company industry: software/,
    );
  });

  it('narrows to the people of a country named in the context ("only people in Spain")', async () => {
    const result = await generate('only people in Spain');
    const spaniards = people.filter(
      (person) => (segmentSpecTraitsOf(person, { now }).address as { country?: string })?.country === 'ES',
    );
    expect(result.context?.understood).toEqual([
      { phrase: 'Spain', meaning: 'address.country is Spain (ES)' },
    ]);
    expect(result.context?.unrecognised).toEqual([]);
    expect(ruleFromProto(required(result.context?.filter))).toEqual({
      trait: { key: 'address.country', operator: 'equals', value: 'ES' },
    });
    expect(Number(result.segments?.populationSize)).toBe(spaniards.length);
  });
});

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing from the response');
  return value;
}

function resultOf(messages: GenerateSegmentsResponse[]) {
  const last = messages.at(-1)?.update;
  if (last?.$case !== 'result') throw new Error('the stream did not end with a result');
  return last.value;
}
