import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { type AudienceHarness, startAudienceWorld } from './harness.js';
import { planAudience } from './specs.js';
import { audienceStarterWith } from './starter.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

/** The secret a test receiver starts with, until it learns its destination's (`useSecret`). */
export const RECEIVER_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** Two on the pro plan (w1, w2), one not (w3). */
const PEOPLE = [
  { userId: 'w1', traits: { plan: 'pro', email: 'ada@example.com' } },
  { userId: 'w2', traits: { plan: 'pro', email: 'bob@example.com' } },
  { userId: 'w3', traits: { plan: 'free', email: 'cy@example.com' } },
];

export interface DestinationWorld {
  harness: AudienceHarness;
  receiver: WebhookReceiver;
  /** Where CSV destinations write (AUDIENCE_EXPORT_DIR). */
  exportDir: string;
  stop(): Promise<void>;
}

/**
 * For destination tests: audience-sync writing CSV files to a folder of its own, a webhook
 * receiver on loopback, acme's `people` identified and audience `pro_plan` (plan = pro) live.
 */
export async function startDestinationWorld(people = PEOPLE): Promise<DestinationWorld> {
  const exportDir = await mkdtemp(join(tmpdir(), 'prism-csv-'));
  const receiver = await startWebhookReceiver({ secret: RECEIVER_SECRET });
  const harness = await startAudienceWorld({
    'audience-sync': audienceStarterWith({ AUDIENCE_EXPORT_DIR: exportDir }),
  });
  await harness.send(
    'acme',
    people.map((person) => ({ type: 'identify', ...person })),
  );
  await harness.caughtUp();
  const { audience } = await harness.call('acme', (c) => c.createAudience, {
    spec: planAudience('pro_plan', 'Pro plan'),
  });
  await harness.live('acme', audience?.id as string);
  return {
    harness,
    receiver,
    exportDir,
    async stop() {
      await harness.stop();
      await receiver.close();
    },
  };
}

/** A destination world for the suite: started before its tests, stopped after them. */
export function destinationWorldForSuite(): DestinationWorld {
  const world = {} as DestinationWorld;
  beforeAll(async () => {
    Object.assign(world, await startDestinationWorld());
  }, 60_000);
  afterAll(() => world.stop?.());
  return world;
}
