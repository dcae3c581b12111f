import { describe, expect, it } from 'vitest';
import { settleHistory } from './history.js';
import { newProfileState, type ProfileEventRecord, SEAL_AT } from './profile-state.js';

const DAY = 86_400_000;
const now = new Date('2026-12-01T00:00:00Z');
const event = (index: number, daysAgo = 0): ProfileEventRecord => ({
  messageId: `m${index}`,
  type: 'track',
  name: 'Order Completed',
  properties: {},
  timestamp: now.getTime() - daysAgo * DAY,
  receivedAt: now.getTime() - daysAgo * DAY,
});

describe('settleHistory', () => {
  it('keeps a profile’s first events in its own document and seals them into one chunk at SEAL_AT', () => {
    const profile = newProfileState('p', 'acme', 0);
    profile.openEvents = Array.from({ length: SEAL_AT - 1 }, (_, i) => event(i));
    expect(settleHistory(profile, now, 14, () => 'c1')).toEqual({ expired: [] });
    profile.openEvents.push(event(SEAL_AT));
    const { sealed } = settleHistory(profile, now, 14, () => 'c1');
    expect(sealed?.events).toHaveLength(SEAL_AT);
    expect(profile.openEvents).toEqual([]);
    expect(profile.eventChunks).toEqual([{ id: 'c1', count: SEAL_AT, newest: now.getTime() }]);
  });

  it('drops events and chunks received before the retention window, and keeps all with 0', () => {
    const profile = newProfileState('p', 'acme', 0);
    profile.eventChunks = [
      { id: 'old', count: 32, newest: now.getTime() - 20 * DAY },
      { id: 'recent', count: 32, newest: now.getTime() - 2 * DAY },
    ];
    profile.openEvents = [event(1, 15), event(2, 1)];
    const kept = structuredClone(profile);
    expect(settleHistory(kept, now, 0, () => 'c')).toEqual({ expired: [] });
    expect(kept.openEvents).toHaveLength(2);
    expect(settleHistory(profile, now, 14, () => 'c')).toEqual({ expired: ['old'] });
    expect(profile.eventChunks.map(({ id }) => id)).toEqual(['recent']);
    expect(profile.openEvents.map(({ messageId }) => messageId)).toEqual(['m2']);
  });
});
