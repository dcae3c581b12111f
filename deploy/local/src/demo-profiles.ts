import { status } from '@grpc/grpc-js';
import { apiKeyMetadata, callUnary, channelCredentialsFromEnv } from '@prism/grpc';
import { generatePopulation, messagesOf, type Person } from '@prism/population';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { KeyKind, SpaceServiceClient } from '@prism/proto/prism/profile/v1/space';
import { say } from './say.js';

/** Fixed, so every `npm start` loads the same people and a reload can tell they are there. */
export const DEMO_POPULATION_SEED = 20_240_601;

// Segment's SDKs send up to 500 messages per batch; the server refuses bodies over 500 KB, and a
// few large orders can push 500 messages past that, so a batch also ends at this many bytes.
const BATCH_MESSAGES = 500;
const BATCH_BYTES = 450 * 1024;
// A few requests in flight keep the ingest queue busy without flooding it.
const IN_FLIGHT = 4;
const PROGRESS_EVERY_MS = 5000;
// The ingest queue may push back (503) while it is busy; SDKs retry those, and so does this.
const RETRIES = 5;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * Creates the space (operator key) unless it is stored already. Its write key is shown only on
 * creation, so a space that exists gets a new write key for this run; earlier ones keep working.
 */
export async function demoWriteKey(address: string, adminKey: string, spaceId: string) {
  const client = new SpaceServiceClient(address, channelCredentialsFromEnv());
  const operator = apiKeyMetadata(adminKey);
  try {
    const created = await callUnary(client, client.createSpace, operator, {
      spaceId,
      displayName: 'Demo',
      identityRules: undefined,
    });
    return { created: true, writeKey: created.writeKey };
  } catch (error) {
    if ((error as { code?: number }).code !== status.ALREADY_EXISTS) throw error;
    const issued = await callUnary(client, client.issueKey, operator, {
      spaceId,
      kind: KeyKind.KEY_KIND_WRITE,
    });
    return { created: false, writeKey: issued.secret };
  } finally {
    client.close();
  }
}

export interface DemoProfilesOptions {
  /** gRPC address of the profile service. */
  address: string;
  /** API key of the space: checks whether the people are there already. */
  apiKey: string;
  /** Base URL of the HTTP Tracking API. */
  httpUrl: string;
  writeKey: string;
  size: number;
  /** Aborted on Ctrl-C: stops sending at once. */
  signal: AbortSignal;
}

/** The lookup of a generated person, as GetProfile takes it. */
export function lookupOf(person: Person): string {
  return `user_id:${person.identifiers.userId}`;
}

/** The lookup of the first demo person, for examples (the seed alone fixes who comes first). */
export function exampleLookup(): string {
  return exampleLookups(1)[0] ?? '';
}

/** Lookups of the first `count` demo people (the demo's static audience lists some). */
export function exampleLookups(count: number): string[] {
  return [...generatePopulation({ seed: DEMO_POPULATION_SEED, size: count, now: new Date() })].map(lookupOf);
}

/**
 * Sends a seeded population through the HTTP Tracking API, as an app with Segment's SDK would, so
 * the profiles go through the same ingest path as real traffic. Skipped when the first person
 * already has a profile (an earlier run loaded them).
 */
export async function loadDemoProfiles(options: DemoProfilesOptions): Promise<void> {
  const { size, signal } = options;
  const now = new Date();
  const population = generatePopulation({ seed: DEMO_POPULATION_SEED, size, now });
  const first = population.next();
  if (first.done) return;
  const profiles = new ProfileServiceClient(options.address, channelCredentialsFromEnv());
  const hasProfile = (person: Person) => profileExists(profiles, options.apiKey, lookupOf(person));
  try {
    if (await hasProfile(first.value)) {
      say(`demo profiles already loaded (${lookupOf(first.value)} exists)`);
      return;
    }
    say(`loading ${count(size)} demo profiles through ${options.httpUrl}/v1/batch in the background`);
    const people = (function* () {
      yield first.value;
      yield* population;
    })();
    const batches = batchesOf(people, now);
    const started = Date.now();
    const sent = { people: 0, events: 0, rejected: 0 };
    const progress = setInterval(() => {
      const rate = Math.round(sent.events / ((Date.now() - started) / 1000));
      say(`demo profiles: ${count(sent.people)}/${count(size)} people sent · ${count(rate)} events/s`);
    }, PROGRESS_EVERY_MS);
    let last: Person | undefined;
    try {
      // The workers share one generator: each takes the next batch when its request is answered.
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (const batch of batches) {
            // Batches come in population order, whichever worker finishes last.
            last = batch.last ?? last;
            sent.rejected += await postBatch(options, batch.body);
            sent.people += batch.people;
            sent.events += batch.events;
          }
        }),
      );
    } finally {
      clearInterval(progress);
    }
    const seconds = (Date.now() - started) / 1000;
    say(
      `demo profiles: ${count(sent.people)} people (${count(sent.events)} events) sent in ${seconds.toFixed(1)} s` +
        (sent.rejected > 0 ? `, ${count(sent.rejected)} messages rejected` : ''),
    );
    // Accepted is not applied yet: the pipeline works through the queue after the HTTP reply.
    while (last && !signal.aborted && !(await hasProfile(last))) await pause(PROGRESS_EVERY_MS, signal);
    if (last && !signal.aborted) {
      const total = ((Date.now() - started) / 1000).toFixed(1);
      say(`demo profiles: all applied after ${total} s (try GetProfile ${lookupOf(first.value)})`);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    profiles.close();
  }
}

async function profileExists(client: ProfileServiceClient, apiKey: string, lookup: string) {
  try {
    await callUnary(client, client.getProfile, apiKeyMetadata(apiKey), { lookup, traitKeys: [] });
    return true;
  } catch (error) {
    if ((error as { code?: number }).code === status.NOT_FOUND) return false;
    throw error;
  }
}

interface Batch {
  body: string;
  events: number;
  /** People whose last message is in this batch. */
  people: number;
  last: Person | undefined;
}

/** `/v1/batch` bodies of at most BATCH_MESSAGES messages and BATCH_BYTES bytes, people in order. */
function* batchesOf(people: Iterable<Person>, now: Date): Generator<Batch> {
  let parts: string[] = [];
  let bytes = 0;
  let done = 0;
  let last: Person | undefined;
  const flush = (): Batch => {
    const batch = { body: `{"batch":[${parts.join(',')}]}`, events: parts.length, people: done, last };
    parts = [];
    bytes = 0;
    done = 0;
    last = undefined;
    return batch;
  };
  for (const person of people) {
    for (const message of messagesOf(person, { now })) {
      const json = JSON.stringify(message);
      const size = Buffer.byteLength(json) + 1;
      if (parts.length === BATCH_MESSAGES || (parts.length > 0 && bytes + size > BATCH_BYTES)) yield flush();
      parts.push(json);
      bytes += size;
    }
    done++;
    last = person;
  }
  if (parts.length > 0) yield flush();
}

/** Posts one batch, retrying what the server asks to retry; the number of rejected messages. */
async function postBatch(options: DemoProfilesOptions, body: string): Promise<number> {
  const authorization = `Basic ${Buffer.from(`${options.writeKey}:`).toString('base64')}`;
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${options.httpUrl}/v1/batch`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body,
      signal: options.signal,
    });
    const reply = (await response.json()) as { rejected?: unknown[]; message?: string };
    if (response.ok) return reply.rejected?.length ?? 0;
    const retry = response.status === 429 || response.status >= 500;
    if (!retry || attempt === RETRIES) {
      throw new Error(`POST /v1/batch answered ${response.status}: ${reply.message ?? 'no message'}`);
    }
    await pause(attempt * 1000, options.signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
