import type { PrismEvent } from '@prism/bus';
import { streamName } from '@prism/bus';
import { isolatedInfra, storedMessages } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileEventOf } from '../events/profile-events.js';
import { startPipeline } from '../testing/pipeline.js';

const now = new Date('2026-11-01T12:00:00Z');
const identify = (userId: string) => ({
  type: 'identify' as const,
  messageId: `${userId}-identify`,
  userId,
  traits: { plan: 'pro' },
  properties: {},
  context: {},
  externalIds: [],
  timestamp: now,
  receivedAt: now,
});

describe('the batch outbox after a crash, on real NATS and FerretDB', () => {
  const infra = isolatedInfra();
  let writers: Awaited<ReturnType<typeof startPipeline>>[] = [];
  beforeAll(async () => {
    writers = [await startPipeline(infra, { writer: 'w', clock: () => now })];
  });
  afterAll(async () => {
    await Promise.all(writers.map((writer) => writer.stop()));
    await infra.cleanup();
  });

  it('publishes, slot by slot, the events whose profiles were written, drops the others, and empties the outbox', async () => {
    const [first] = writers as [(typeof writers)[0]];
    await first.pipeline.ingest('crash', [identify('ida')]);
    const ida = (await first.pipeline.read('crash')).profileOf({ type: 'user_id', value: 'ida' }) as string;
    // What a crash after the writes and before the publication leaves: two held slots.
    const traits = (profileId: string): PrismEvent =>
      profileEventOf(
        'crash',
        {
          kind: 'profile.traits_changed',
          profileId,
          changedKeys: ['plan'],
          traits: { plan: 'pro' },
          version: 1,
        },
        now,
      );
    const landed = traits(ida);
    const lost = traits('prof_never_written');
    const { outbox } = first.pipeline.options;
    await outbox.hold('crash', [landed], [{ profileId: ida, version: 1 }]);
    await outbox.hold('crash', [lost], [{ profileId: 'prof_never_written', version: 1 }]);

    const restarted = await startPipeline(infra, { writer: 'w', clock: () => now });
    writers.push(restarted);
    await restarted.pipeline.read('crash');
    const published = await storedMessages<PrismEvent>(
      restarted.bus.jsm,
      streamName(infra.subjectPrefix, 'profile'),
      (event) => event.prismspace === 'crash',
    );
    const ids = published.map((event) => event.id);
    expect(ids).toContain(landed.id);
    expect(ids).not.toContain(lost.id);
    expect(await restarted.pipeline.options.outbox.pending('crash')).toEqual([]);
  });
});
