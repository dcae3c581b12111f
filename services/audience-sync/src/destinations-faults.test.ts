import { createHash } from 'node:crypto';
import { credentials } from '@grpc/grpc-js';
import { callUnary } from '@prism/grpc';
import { profileStarter } from '@prism/profile/testing/starter.js';
import { type AudienceServiceClient, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { DestinationServiceClient } from '@prism/proto/prism/audience/v1/destinations';
import { eventually } from '@prism/testing';
import { keyOf, startWorld } from '@prism/testing/world';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGraphApi } from './testing/fake-graph-api.js';
import { AudienceProcess, audienceProcessEnv, freePort } from './testing/process.js';
import { audienceSource, metaDestination, planAudience, webhookDestination } from './testing/specs.js';
import { startWebhookReceiver, type WebhookReceiver } from './testing/webhook-receiver.js';

/**
 * Destinations through faults: audience-sync killed with SIGKILL in the middle of a Meta replace
 * session and of webhook retries, a receiver down while changes pile up, Meta throttling. After
 * recovery each destination holds exactly the audience.
 */
const world = await startWorld({ profile: profileStarter() });
let meta: FakeGraphApi;
let receiver: WebhookReceiver;
let audienceSync: AudienceProcess;
beforeAll(async () => {
  meta = await FakeGraphApi.start();
  receiver = await startWebhookReceiver({ secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' });
  audienceSync = new AudienceProcess(
    audienceProcessEnv(world, {
      META_GRAPH_URL: meta.baseUrl,
      // Many requests per replace session, so the kill lands inside one.
      META_BATCH_ROWS: '50',
      LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'error',
    }),
    await freePort(),
  );
});
afterAll(async () => {
  await audienceSync?.stop();
  await receiver?.close();
  await meta?.close();
  await world.stop();
});

const PEOPLE = 1_200;
const emailOf = (i: number) => `person${i}@example.com`;
/** Wave w puts person i on the pro plan when (i + w) % 3 === 0. */
const wave = (w: number) =>
  Array.from({ length: PEOPLE }, (_, i) => ({
    type: 'identify',
    userId: `p${i}`,
    traits: { email: emailOf(i), plan: (i + w) % 3 === 0 ? 'pro' : 'free' },
  }));
const proIn = (w: number) => Array.from({ length: PEOPLE }, (_, i) => i).filter((i) => (i + w) % 3 === 0);

async function send(messages: object[]) {
  const profiles = world.clients.profile;
  for (let start = 0; start < messages.length; start += 200)
    await callUnary(profiles, profiles.ingest, keyOf('acme'), {
      messages: messages.slice(start, start + 200),
    });
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Each profile's last change at the receiver; members are those whose last change is an entry. */
function membersAtReceiver(): Set<string> {
  const last = new Map<string, string>();
  for (const { body } of receiver.deliveries) {
    const event = body as { type: string; data: { identifiers?: { type: string; value: string }[] } };
    const user = event.data.identifiers?.find((id) => id.type === 'user_id')?.value;
    if (user === undefined) throw new Error(`a delivery without a user_id: ${JSON.stringify(body)}`);
    last.set(user, event.type);
  }
  return new Set([...last].filter(([, type]) => type === 'prism.audience.entered').map(([user]) => user));
}

class Clients {
  audiences!: AudienceServiceClient;
  destinations!: DestinationServiceClient;
  async start() {
    this.audiences = await audienceSync.start();
    this.destinations = new DestinationServiceClient(audienceSync.address, credentials.createInsecure());
  }
  close() {
    this.audiences.close();
    this.destinations.close();
  }
  destination<Req, Res>(
    method: (c: DestinationServiceClient) => (...args: never[]) => unknown,
    request: Req,
  ) {
    return callUnary<Req, Res>(this.destinations, method(this.destinations) as never, keyOf('acme'), request);
  }
}

describe('destinations through kill -9, a receiver down and Meta throttling', () => {
  it('ends with every destination holding exactly the audience, nothing lost, no row twice in a session', async () => {
    const startedAt = Date.now();
    const clients = new Clients();
    await clients.start();
    await send(wave(0));
    await callUnary(clients.audiences, clients.audiences.createAudience, keyOf('acme'), {
      spec: planAudience('pro_plan', 'Pro plan'),
    });
    await eventually(async () => {
      const { audience } = await callUnary(clients.audiences, clients.audiences.getAudience, keyOf('acme'), {
        audience: 'pro_plan',
      });
      return audience?.status?.state === ComputeState.COMPUTE_STATE_LIVE ? true : undefined;
    }, 60_000);

    await receiver.goDown();
    meta.slow(40);
    meta.rateLimitNext(2, 17);
    const hook = await clients.destination<object, { webhookSecret: string; destination: { id: string } }>(
      (c) => c.createDestination,
      // Above the default 50 a second, so catching up is quick.
      { spec: webhookDestination('Partner hook', audienceSource('pro_plan'), receiver.url, 2_000) },
    );
    receiver.useSecret(hook.webhookSecret);
    const onMeta = await clients.destination<object, { destination: { id: string } }>(
      (c) => c.createDestination,
      { spec: metaDestination('Meta pro plan', audienceSource('pro_plan'), meta.accessToken, ['EMAIL']) },
    );
    // Killed while Meta's replace session is open (8 requests of 50 rows, 40 ms each, after the throttling).
    await eventually(async () => (meta.requests.some((r) => r.operation === 'replace') ? true : undefined));
    await audienceSync.kill();
    clients.close();
    const requestsAtKill = meta.requests.length;

    await send(wave(1));
    await clients.start();
    await send(wave(2));
    // The receiver stays down a while longer: changes pile up and are retried with backoff.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await receiver.comeUp();
    const upAt = Date.now();

    const expected = new Set(proIn(2).map((i) => `p${i}`));
    const audienceId = await eventually(async () => {
      const { destination } = await clients.destination<
        object,
        { destination: { spec: { settings: { $case: string; value: { customAudienceId: string } } } } }
      >((c) => c.getDestination, { destinationId: onMeta.destination.id });
      return destination.spec.settings.value.customAudienceId || undefined;
    });
    const rowsExpected = new Set(proIn(2).map((i) => `EMAIL=${sha256(emailOf(i))}`));
    await eventually(async () => {
      const held = meta.members(audienceId);
      return held.size === rowsExpected.size && [...held].every((row) => rowsExpected.has(row))
        ? true
        : undefined;
    }, 90_000).catch(async (error) => {
      const held = meta.members(audienceId);
      const { destination } = await clients.destination<object, { destination: { status: unknown } }>(
        (c) => c.getDestination,
        { destinationId: onMeta.destination.id },
      );
      throw new Error(
        `${error}: Meta holds ${held.size} rows, ${[...held].filter((row) => !rowsExpected.has(row)).length} not expected, ` +
          `${[...rowsExpected].filter((row) => !held.has(row)).length} missing; status ${JSON.stringify(destination.status)}; ` +
          `last requests ${JSON.stringify(meta.requests.slice(-5).map((r) => r.operation))}`,
      );
    });
    await eventually(async () => {
      const members = membersAtReceiver();
      return members.size === expected.size && [...members].every((user) => expected.has(user))
        ? true
        : undefined;
    }, 90_000);

    console.info(
      `faults: receiver caught up ${Date.now() - upAt} ms after coming back; whole run ${Date.now() - startedAt} ms; ` +
        `${receiver.deliveries.length} deliveries received, ${meta.requests.length} Graph API requests`,
    );
    expect(meta.requests.length).toBeGreaterThan(requestsAtKill);
    expect(meta.violations).toEqual([]);
    expect(receiver.refused).toEqual([]);
    const letters = await clients.destination<object, { deadLetters: unknown[] }>((c) => c.listDeadLetters, {
      destinationId: hook.destination.id,
      pageSize: 0,
      pageToken: '',
    });
    expect(letters.deadLetters).toEqual([]);
    clients.close();
  }, 240_000);
});
