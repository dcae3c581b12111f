import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import { Random } from '@prism/population';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { runProfileApiLoad } from './profile-api.js';

/**
 * The load generator of the profile-scale benchmark, in a process of its own (forked by
 * profile-scale.ts): new people, each one `identify` with Segment-shaped traits and one `track`,
 * POSTed as `/v1/batch` requests of 1,000 messages by 8 concurrent senders; then GetProfile
 * against the service and the grpc-js echo floor. Bodies are made as they are sent (a million
 * people's JSON would not fit beside the service), seeded, so every run sends the same messages.
 */

const PEOPLE_PER_BODY = 500;
const SENDERS = 8;
const COUNTRIES = [
  ['DE', ['Berlin', 'Munich', 'Hamburg']],
  ['FR', ['Paris', 'Lyon', 'Marseille']],
  ['US', ['New York', 'Austin', 'Seattle']],
  ['GB', ['London', 'Leeds', 'Bristol']],
  ['ES', ['Madrid', 'Barcelona', 'Valencia']],
] as const;
const PLANS = ['free', 'starter', 'pro', 'team'];
const INTERESTS = ['running', 'yoga', 'cycling', 'cooking', 'travel', 'gaming', 'music', 'books'];

export type ScaleLoadCommand =
  | { kind: 'import'; url: string; writeKey: string; people: number }
  | { kind: 'api'; address: string; apiKey: string; people: number; echoAddress: string }
  | { kind: 'first-answer'; address: string; apiKey: string; people: number };

export const userIdOf = (index: number) => `user-${index}`;

/** Person `index` as Segment would receive them from a contacts import. */
function messagesOfPerson(index: number, sentAt: string) {
  const random = new Random(index + 1);
  const [country, cities] = random.pick(COUNTRIES);
  const userId = userIdOf(index);
  const anonymousId = `anon-${index}`;
  const timestamp = sentAt;
  const traits = {
    email: `person${index}@example.com`,
    age: random.int(18, 80),
    gender: random.pick(['female', 'male', 'other']),
    plan: random.pick(PLANS),
    address: { country, city: random.pick(cities) },
    interests: [random.pick(INTERESTS), random.pick(INTERESTS)],
  };
  const context = { library: { name: 'analytics-node', version: '3.1.0' } };
  return [
    {
      type: 'identify',
      messageId: `${userId}-identify`,
      userId,
      anonymousId,
      traits,
      context,
      timestamp,
      sentAt,
    },
    {
      type: 'track',
      messageId: `${userId}-signed-up`,
      userId,
      anonymousId,
      event: 'Signed Up',
      properties: { source: 'import', plan: traits.plan },
      context,
      timestamp,
      sentAt,
    },
  ];
}

function bodyOf(first: number, people: number, sentAt: string) {
  const batch = [];
  for (let index = first; index < Math.min(people, first + PEOPLE_PER_BODY); index++)
    batch.push(...messagesOfPerson(index, sentAt));
  return { json: JSON.stringify({ batch }), count: batch.length };
}

/** SENDERS senders, each POSTing the next body as soon as its previous one was answered. */
async function importPeople(url: string, writeKey: string, people: number) {
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const sentAt = new Date().toISOString();
  const totals = { messages: 0, accepted: 0, failedRequests: 0 };
  const failures: Record<string, number> = {};
  let next = 0;
  const startedAt = performance.timeOrigin + performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let first = next; first < people; first = next) {
        next += PEOPLE_PER_BODY;
        const body = bodyOf(first, people, sentAt);
        totals.messages += body.count;
        const response = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: body.json,
        }).catch((error: Error) => ({ status: 0, json: async () => ({ message: error.message }) }));
        const reply = (await response.json()) as { accepted?: number; message?: string };
        if (response.status === 200) totals.accepted += reply.accepted ?? 0;
        else {
          totals.failedRequests++;
          const key = `${response.status} ${reply.message ?? ''}`;
          failures[key] = (failures[key] ?? 0) + 1;
        }
      }
    }),
  );
  return {
    ...totals,
    failures,
    startedAt,
    elapsedMs: performance.timeOrigin + performance.now() - startedAt,
  };
}

export type ImportLoad = Awaited<ReturnType<typeof importPeople>>;

const sampleUserIds = (people: number, count: number) => {
  const random = new Random(11);
  return Array.from({ length: count }, () => userIdOf(random.int(0, people - 1)));
};

/**
 * Calls GetProfile every 20 ms (reconnecting quickly) until it answers with the profile: started
 * before the restarted service is spawned, it returns the wall-clock time of the first answer.
 */
async function firstAnswer(address: string, apiKey: string, userId: string) {
  const client = new ProfileServiceClient(address, credentials.createInsecure(), {
    'grpc.initial_reconnect_backoff_ms': 20,
    'grpc.max_reconnect_backoff_ms': 50,
  });
  const errors: Record<string, number> = {};
  try {
    for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(20)) {
      const answer = await callUnary(client, client.getProfile, apiKeyMetadata(apiKey), {
        lookup: `user_id:${userId}`,
        traitKeys: [],
      }).catch((error: Error) => {
        const key = error.message.split('\n')[0]?.slice(0, 80) ?? 'error';
        errors[key] = (errors[key] ?? 0) + 1;
        return undefined;
      });
      if (answer?.profile) return { answeredAt: performance.timeOrigin + performance.now(), errors };
    }
    throw new Error(`no answer in 10 minutes: ${JSON.stringify(errors)}`);
  } finally {
    client.close();
  }
}

async function run(command: ScaleLoadCommand) {
  if (command.kind === 'import') return importPeople(command.url, command.writeKey, command.people);
  const userIds = sampleUserIds(command.people, 20_000);
  if (command.kind === 'api')
    return runProfileApiLoad(command.address, command.apiKey, userIds, command.echoAddress);
  return firstAnswer(command.address, command.apiKey, userIds[0] as string);
}

process.on('message', (command: ScaleLoadCommand) => {
  run(command).then(
    (result) => process.send?.({ ok: true, result }),
    (error: Error) => process.send?.({ ok: false, error: error.stack ?? error.message }),
  );
});
