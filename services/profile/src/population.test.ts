import { generatePopulation, messagesOf } from '@prism/population';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProfileHarness, startProfileHarness } from './testing/harness.js';

describe('a generated population through the whole pipeline', () => {
  let harness: ProfileHarness;
  beforeAll(async () => {
    harness = await startProfileHarness({ INGEST_IN_FLIGHT: '2' });
  }, 60_000);
  afterAll(() => harness?.stop());

  it('ends with one profile per person holding their traits, whatever the batch boundaries', async () => {
    const now = new Date('2026-11-20T00:00:00Z');
    const people = [...generatePopulation({ seed: 7, size: 40, now })];
    const { metadata } = await harness.createSpace('crowd');
    const messages = people.flatMap((person) => messagesOf(person, { now }));
    for (let at = 0; at < messages.length; at += 500) {
      const response = await harness.profileApi(
        harness.profiles.ingest,
        { messages: messages.slice(at, at + 500) },
        metadata,
      );
      expect(response.rejected).toEqual([]);
    }
    for (const person of people) {
      const profile = await harness.eventually(async () => {
        const found = await harness.profileApi(
          harness.profiles.getProfile,
          { lookup: `user_id:${person.id}`, traitKeys: [] },
          metadata,
        );
        return found.profile?.traits?.country !== undefined ? found.profile : undefined;
      }, 60_000);
      expect(profile.traits?.country).toBe(person.traits.country);
    }
    const state = await harness.service.pipeline.read('crowd');
    expect(state.size).toBe(people.length);
  }, 120_000);
});
