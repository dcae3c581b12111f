import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { eventCounterOf } from '@prism/audience-sync/domain/event-traits.js';
import { connectBus, streamName } from '@prism/bus';
import { apiKeyMetadata, callUnary } from '@prism/grpc';
import type { Infrastructure } from '@prism/infra';
import { createLogger } from '@prism/log';
import { generatePopulation, messagesOf, type Person, type SegmentMessage } from '@prism/population';
import { type RunningProfileService, startProfileService } from '@prism/profile/app';
import { profileConfigSchema } from '@prism/profile/config';
import { ComputedTraitKind, ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { MongoClient } from 'mongodb';
import { HAS_ORDERED, INDEX_POPULATION, type IndexedProfile, profileOf } from './audience-index-data.js';
import { postBatch, type Tracking } from './audiences-traffic.js';
import { benchNamespace, deleteStreams } from './namespace.js';
import { logTally } from './profile-diagnostics.js';
import { summarize } from './stats.js';

const SPACE = 'bench-index';
const ADMIN_KEY = 'bench-operator-key-0001';
const BATCH_MESSAGES = 500;
const SENDERS = 4;
const MAX_ATTEMPTS = 5;
const EXPORT_RUNS = 3;
const DRAIN_TIMEOUT_MS = 600_000;

/**
 * What the profile service holds of a person for the index: the identify that comes with their
 * first sign-in and their orders (its computed trait counts them). Pages and views are left out:
 * importing is slow enough already (the service creates a few hundred profiles a second).
 */
function importMessages(person: Person): SegmentMessage[] {
  const signIn = person.events.find((event) => event.name === 'Signed In');
  const kept = person.events.filter((event) => event === signIn || event.name === 'Order Completed');
  return messagesOf({ ...person, events: kept }, INDEX_POPULATION);
}

/** The first `people` of the population into a profile service, then read back with ExportProfiles. */
export async function benchProfileExport(infra: Infrastructure, people: number) {
  const { prefix, dbName } = benchNamespace();
  const logs = logTally();
  const bus = await connectBus({ servers: infra.natsUrl, name: 'bench-audience-index', prefix });
  let service: RunningProfileService | undefined;
  try {
    const config = profileConfigSchema.parse({
      ...{ NATS_URL: infra.natsUrl, MONGO_URL: infra.mongoUrl, PRISM_SUBJECT_PREFIX: prefix },
      ...{ PROFILE_DB: dbName, PROFILE_GRPC_PORT: '0', PROFILE_HTTP_PORT: '0' },
      ...{ PRISM_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'warn' },
    });
    service = await startProfileService(
      config,
      createLogger('profile', { level: 'warn', destination: logs }),
    );
    const address = `127.0.0.1:${service.port}`;
    const space = await createSpace(address, `http://127.0.0.1:${service.httpPort}`);
    const profiles = new ProfileServiceClient(address, credentials.createInsecure());
    try {
      await countOrders(profiles, space.apiKey);
      const persons = [...generatePopulation({ ...INDEX_POPULATION, size: people })];
      const imported = await importPeople(space.tracking, persons, () => ingestIdle(bus));
      const reads = [];
      for (let run = 0; run < EXPORT_RUNS; run++) reads.push(await exportAll(profiles, space.apiKey));
      return {
        people,
        importMs: imported.ms,
        importRetries: imported.retries,
        exportMs: summarize(reads.map((read) => read.ms)).p50,
        exported: reads[0]?.profiles ?? [],
        // Profiles beyond these are read from the store by the export.
        cachedProfiles: config.PROFILE_CACHE_PROFILES,
        expected: persons.map(profileOf),
        logs: logs.summary(),
      };
    } finally {
      profiles.close();
    }
  } finally {
    await service?.stop().catch((error) => console.error('the profile service did not stop cleanly', error));
    await deleteStreams(bus, prefix);
    await bus.close();
    const mongo = await MongoClient.connect(infra.mongoUrl);
    await mongo.db(dbName).dropDatabase();
    await mongo.close();
  }
}

async function createSpace(address: string, url: string) {
  const spaces = new SpaceServiceClient(address, credentials.createInsecure());
  try {
    const request = { spaceId: SPACE, displayName: 'Audience index benchmark' };
    const created = await callUnary(spaces, spaces.createSpace, apiKeyMetadata(ADMIN_KEY), request);
    return { apiKey: created.apiKey, tracking: { url, writeKey: created.writeKey } satisfies Tracking };
  } finally {
    spaces.close();
  }
}

/** The computed trait audience-sync asks for when an audience counts orders (its key, its counter). */
async function countOrders(profiles: ProfileServiceClient, apiKey: string) {
  const { key, event, windowDays } = eventCounterOf(HAS_ORDERED);
  const definition = {
    key,
    kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_EVENT_COUNTER,
    property: '',
    filter: { name: event, conditions: [] },
    windowDays,
  };
  await callUnary(profiles, profiles.createComputedTrait, apiKeyMetadata(apiKey), { definition });
}

/** Posts the people's messages (SENDERS bodies in flight) and waits until all are applied. */
async function importPeople(tracking: Tracking, persons: Person[], idle: () => Promise<boolean>) {
  const messages = persons.flatMap(importMessages);
  const bodies: string[] = [];
  for (let at = 0; at < messages.length; at += BATCH_MESSAGES)
    bodies.push(JSON.stringify({ batch: messages.slice(at, at + BATCH_MESSAGES) }));
  const started = performance.now();
  let next = 0;
  let retries = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let body = bodies[next++]; body; body = bodies[next++]) retries += await post(tracking, body);
    }),
  );
  while (!(await idle())) {
    if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new Error('the import did not finish in time');
    await sleep(100);
  }
  return { ms: performance.now() - started, retries };
}

/**
 * One body, retried as SDKs do when the connection fails or the service answers 503 (a loaded
 * service may drop a request it could not read in time); messages are deduplicated by id.
 * Answers how many retries it took.
 */
async function post(tracking: Tracking, body: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const { status, reply } = await postBatch(tracking, body);
    if (status === 200 || status === 202) return attempt - 1;
    if ((status !== 0 && status !== 503) || attempt === MAX_ATTEMPTS)
      throw new Error(`/v1/batch answered ${status} (attempt ${attempt}): ${reply.message}`);
    await sleep(attempt * 1_000);
  }
}

/** Whether the profile service has applied every message it was sent. */
async function ingestIdle(bus: Awaited<ReturnType<typeof connectBus>>) {
  const ingest = await bus.jsm.consumers.info(streamName(bus.prefix, 'ingest'), 'profile-ingest');
  return ingest.num_pending === 0 && ingest.num_ack_pending === 0;
}

/** Every live profile of the space read with ExportProfiles, its traits parsed as a reader uses them. */
async function exportAll(profiles: ProfileServiceClient, apiKey: string) {
  const started = performance.now();
  const read: IndexedProfile[] = [];
  const stream = profiles.exportProfiles({ traitKeys: [], batchSize: 5_000 }, apiKeyMetadata(apiKey));
  for await (const batch of stream)
    for (const { profileId, traitsJson, computedTraitsJson } of batch.profiles)
      read.push({ id: profileId, traits: { ...JSON.parse(traitsJson), ...JSON.parse(computedTraitsJson) } });
  return { ms: performance.now() - started, profiles: read };
}
