import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { DestinationState } from '@prism/proto/prism/audience/v1/destinations';
import { eventually } from '@prism/testing';
import { rpcFailureOf } from '@prism/testing/world';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { destinationWorldForSuite, RECEIVER_SECRET } from './testing/destination-world.js';
import { audienceSource, webhookDestination } from './testing/specs.js';
import { startWebhookReceiver } from './testing/webhook-receiver.js';

const world = destinationWorldForSuite();

function identify(userId: string, traits: Record<string, unknown>) {
  return { type: 'identify', userId, traits };
}

/** What the receiver holds now: each profile's last verified change (entered or exited). */
const receivedState = () => {
  const last = new Map<string, string>();
  for (const { body } of world.receiver.deliveries) {
    const event = body as { type: string; data: { profileId: string } };
    last.set(event.data.profileId, event.type.replace('prism.audience.', ''));
  }
  return last;
};
const membersReceived = () =>
  [...receivedState()]
    .filter(([, change]) => change === 'entered')
    .map(([id]) => id)
    .sort();

const createWebhook = () =>
  world.harness.destinationApi('acme', (c) => c.createDestination, {
    spec: webhookDestination('Partner hook', audienceSource('pro_plan'), world.receiver.url),
  });

describe('destinations', () => {
  it('sends everyone in the audience to a new webhook, then each change, signed per Standard Webhooks', async () => {
    const created = await createWebhook();
    expect(created.webhookSecret).toMatch(/^whsec_/);
    world.receiver.useSecret(created.webhookSecret);
    const members = await world.harness.members('acme', 'pro_plan');
    await eventually(async () => (membersReceived().length === 2 ? true : undefined));
    expect(membersReceived()).toEqual(members.sort());
    const backfill = world.receiver.deliveries[0]?.body as { data: { cause: { kind: string } } };
    expect(backfill.data.cause.kind).toBe('BACKFILL');
    const fromNowOn = world.receiver.deliveries.length;

    await world.harness.send('acme', [identify('w3', { plan: 'pro' }), identify('w1', { plan: 'free' })]);
    await world.harness.caughtUp();
    const now = await world.harness.members('acme', 'pro_plan');
    await eventually(async () =>
      JSON.stringify(membersReceived()) === JSON.stringify(now.sort()) ? true : undefined,
    );
    expect(world.receiver.refused).toEqual([]);
    // A change reaches the world.receiver as the CloudEvent audience-sync published, every field kept.
    const change = world.receiver.deliveries[fromNowOn]?.body as { data: Record<string, unknown> };
    expect(Object.keys(change.data)).toEqual(
      expect.arrayContaining([
        'audienceId',
        'audienceKey',
        'audienceVersion',
        'profileId',
        'traits',
        'cause',
      ]),
    );
    // The status is recorded once a round's deliveries were answered, so just after they arrived.
    const status = await eventually(async () => {
      const { destination } = await world.harness.destinationApi('acme', (c) => c.getDestination, {
        destinationId: created.destination?.id as string,
      });
      return Number(destination?.status?.membersRemoved) === 1 ? destination?.status : undefined;
    });
    expect(status?.state).toBe(DestinationState.DESTINATION_STATE_IN_SYNC);
    expect(Number(status?.membersAdded)).toBe(3);
  });

  it('retries a failing receiver with backoff and delivers once it answers', async () => {
    world.receiver.fail(503, 2);
    await world.harness.send('acme', [identify('w4', { plan: 'pro' })]);
    await world.harness.caughtUp();
    const w4 = (await world.harness.members('acme', 'pro_plan')).find((id) => !receivedState().has(id));
    expect(w4).toBeDefined();
    await eventually(
      async () => (receivedState().get(w4 as string) === 'entered' ? true : undefined),
      20_000,
    );
  });

  it('keeps what a receiver refuses as a dead letter, and replays it on request', async () => {
    const refusing = await startWebhookReceiver({ secret: RECEIVER_SECRET });
    refusing.fail(400, 1_000);
    const { destination, webhookSecret } = await world.harness.destinationApi(
      'acme',
      (c) => c.createDestination,
      {
        spec: webhookDestination('Refusing hook', audienceSource('pro_plan'), refusing.url),
      },
    );
    refusing.useSecret(webhookSecret);
    const id = destination?.id as string;
    const size = (await world.harness.members('acme', 'pro_plan')).length;
    const letters = await eventually(async () => {
      const page = await world.harness.destinationApi('acme', (c) => c.listDeadLetters, {
        destinationId: id,
        pageSize: 0,
        pageToken: '',
      });
      return page.deadLetters.length === size ? page.deadLetters : undefined;
    });
    // Refused (400, or 401 for one sent before the world.receiver learnt the secret): not retried.
    expect(letters.every((letter) => /^HTTP 40[01]/.test(letter.lastError) && letter.attempts === 1)).toBe(
      true,
    );
    refusing.reset();
    const { replayed } = await world.harness.destinationApi('acme', (c) => c.replayDeadLetters, {
      destinationId: id,
      ids: [],
    });
    expect(replayed).toBe(size);
    await eventually(async () => (refusing.deliveries.length === size ? true : undefined));
    await refusing.close();
  });

  it('writes a CSV file of everyone in the audience, rewritten as it changes', async () => {
    await world.harness.destinationApi('acme', (c) => c.createDestination, {
      spec: {
        name: 'Nightly file',
        source: { $case: 'audience', value: 'pro_plan' },
        settings: { $case: 'csv', value: { fileName: 'pro-plan.csv', traitKeys: ['email'] } },
        rateLimitPerSecond: 0,
      },
    });
    const rows = async () =>
      parse(await readFile(join(world.exportDir, 'pro-plan.csv'), 'utf8').catch(() => ''), {
        columns: true,
      }) as {
        user_id: string;
        email: string;
      }[];
    const expected = (await world.harness.members('acme', 'pro_plan')).length;
    await eventually(async () => ((await rows()).length === expected ? true : undefined)).catch(
      async (error) => {
        const { destinations } = await world.harness.destinationApi('acme', (c) => c.listDestinations, {
          audience: '',
        });
        throw new Error(`${error}: ${JSON.stringify(destinations.map((found) => found.status))}`);
      },
    );
    await world.harness.send('acme', [identify('w5', { plan: 'pro', email: 'eve@example.com' })]);
    await world.harness.caughtUp();
    const file = await eventually(async () => {
      const found = await rows();
      return found.some((row) => row.user_id === 'w5') ? found : undefined;
    });
    expect(file.find((row) => row.user_id === 'w5')?.email).toBe('eve@example.com');
  });

  it('refuses a webhook that is not https, naming the field', async () => {
    const error = await rpcFailureOf(
      world.harness.destinationApi('acme', (c) => c.createDestination, {
        spec: {
          name: 'Plain',
          source: { $case: 'audience', value: 'pro_plan' },
          settings: { $case: 'webhook', value: { url: 'http://partner.example.com/hook' } },
          rateLimitPerSecond: 0,
        },
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(readErrorDetails(error).fieldViolations?.map((violation) => violation.field)).toEqual([
      'spec.webhook.url',
    ]);
  });
});
