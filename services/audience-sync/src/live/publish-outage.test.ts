import type { EventPublisher, PrismEvent } from '@prism/bus';
import { createLogger } from '@prism/log';
import { describe, expect, it } from 'vitest';
import type { AudienceDocument } from '../store/documents.js';
import { engineWorld } from '../testing/engine-world.js';
import { insertDefinition } from './definitions.js';
import { AudienceEngine, type ProfileEvent } from './engine.js';
import { restoreMembership } from './recovery.js';
import { snapshotChanged } from './snapshots.js';

const world = engineWorld('publish-outage-test');
const logger = createLogger('publish-outage-test', { level: 'silent' });

/**
 * JetStream as audience-sync sees it while NATS is down: every publish rejects (as a PubAck
 * timeout does). What JetStream acknowledged is recorded in order.
 */
function outagePublisher(inner: EventPublisher) {
  const acknowledged: PrismEvent[] = [];
  const bus = {
    down: false,
    acknowledged,
    publisher: {
      async publish(event: PrismEvent) {
        if (bus.down) throw new Error('TIMEOUT: NATS is down');
        const ack = await inner.publish(event);
        if (!ack.duplicate) acknowledged.push(event);
        return ack;
      },
    } satisfies EventPublisher,
  };
  return bus;
}

let eventNumber = 0;
const plan = (profileId: string, value: string, version: number): ProfileEvent => ({
  id: `evt_${++eventNumber}`,
  change: {
    kind: 'profile.traits_changed',
    profileId,
    traits: { plan: value },
    changedKeys: ['plan'],
    version,
  },
});

async function proAudience(engine: AudienceEngine, spaceId: string): Promise<AudienceDocument> {
  const doc: AudienceDocument = {
    _id: `audience_pro_${spaceId}`,
    spaceId,
    key: 'pro',
    name: 'pro',
    description: '',
    kind: 'dynamic',
    rule: { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
    version: 1,
    size: 0,
    status: { state: 'live', progress: 1 },
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  return engine.inSpace(spaceId, (state) => insertDefinition(engine, state, doc));
}

/** Each profile's published changes, in order. */
const changesOf = (events: readonly PrismEvent[]) => {
  const byProfile = new Map<string, string[]>();
  for (const event of events.filter((e) => /\.(entered|exited)$/.test(e.type))) {
    const { profileId } = event.data as { profileId: string };
    byProfile.set(profileId, [...(byProfile.get(profileId) ?? []), event.type.replace(/.*\./, '')]);
  }
  return Object.fromEntries(byProfile);
};

describe('membership changes whose publication failed', () => {
  it('are published, in order, before anything the space commits after NATS is back', async () => {
    const nats = outagePublisher(world.bus.publisher);
    const engine = new AudienceEngine({ repos: world.repos, publisher: nats.publisher, logger });
    await proAudience(engine, 'outage');

    nats.down = true;
    await expect(
      engine.applyProfileEvents('outage', [plan('p1', 'pro', 1)], { space: 'outage' }),
    ).rejects.toThrow(/NATS is down/);
    nats.down = false;
    await engine.applyProfileEvents('outage', [plan('p1', 'free', 2)], { space: 'outage' });

    expect(changesOf(nats.acknowledged)).toEqual({ p1: ['entered', 'exited'] });
  });

  it('are published at start even when a snapshot was taken after them', async () => {
    const nats = outagePublisher(world.bus.publisher);
    const engine = new AudienceEngine({ repos: world.repos, publisher: nats.publisher, logger });
    await proAudience(engine, 'snapshotted');

    nats.down = true;
    await expect(
      engine.applyProfileEvents('snapshotted', [plan('s1', 'pro', 1)], { space: 'snapshotted' }),
    ).rejects.toThrow(/NATS is down/);
    await snapshotChanged(engine);
    // kill -9 here; NATS is back when the process starts again.
    nats.down = false;
    const restarted = new AudienceEngine({ repos: world.repos, publisher: nats.publisher, logger });
    await restoreMembership(restarted, world.repos, logger);

    expect(changesOf(nats.acknowledged)).toEqual({ s1: ['entered'] });
    expect([
      ...(restarted.space('snapshotted').live.get('audience_pro_snapshotted')?.members.keys() ?? []),
    ]).toEqual(['s1']);
  });
});
