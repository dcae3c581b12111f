import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { generatePopulation, messagesOf, type SegmentMessage } from '@prism/population';

/** Where the profile service's HTTP Tracking API listens, and the space's write key. */
export interface Tracking {
  url: string;
  writeKey: string;
}

interface BatchReply {
  accepted?: number;
  message?: string;
}

/** Wall-clock milliseconds: comparable between the bench process and its children. */
export const wallClock = () => performance.timeOrigin + performance.now();

/** One `/v1/batch` POST; status 0 when it never got an answer. */
export async function postBatch({ url, writeKey }: Tracking, json: string) {
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  return fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: json,
  }).then(
    async (response) => ({ status: response.status, reply: (await response.json()) as BatchReply }),
    (error: Error) => ({ status: 0, reply: { message: error.message } as BatchReply }),
  );
}

export const bodyOf = (batch: SegmentMessage[] | object[]) => JSON.stringify({ batch });

/**
 * Tracking traffic as a shop sends it: the histories (pages, tracks, the identify at sign-in) of
 * `concurrent` people at a time interleaved, each person's own messages in order, cut into
 * bodies of `size` messages until `messages` are made.
 */
function historyBodies(messages: number, size: number, concurrent = 200): string[] {
  const now = new Date();
  const people = generatePopulation({ seed: 42, size: 1_000_000, now });
  const bodies: string[] = [];
  let batch: SegmentMessage[] = [];
  let made = 0;
  while (made < messages) {
    const histories: SegmentMessage[][] = [];
    for (let i = 0; i < concurrent; i++) {
      const person = people.next();
      if (!person.done) histories.push(messagesOf(person.value, { now }));
    }
    for (let step = 0; histories.some((history) => step < history.length); step++)
      for (const history of histories) {
        const message = history[step];
        if (!message) continue;
        batch.push(message);
        made++;
        if (batch.length === size) {
          bodies.push(bodyOf(batch));
          batch = [];
        }
      }
  }
  if (batch.length > 0) bodies.push(bodyOf(batch));
  return bodies;
}

export interface SteadyCommand {
  kind: 'steady';
  tracking: Tracking;
  perSecond: number;
  durationMs: number;
}

const STEADY_BATCH = 100;
const STEADY_IN_FLIGHT = 32;

/**
 * Paced load: a body of STEADY_BATCH messages whenever the schedule says so, without waiting for
 * earlier answers (at most STEADY_IN_FLIGHT at once: a service that cannot keep up shows as a
 * lower achieved rate, not as an ever-growing queue of requests here).
 */
export async function steadyLoad({ tracking, perSecond, durationMs }: SteadyCommand) {
  const bodies = historyBodies(Math.ceil((perSecond * durationMs) / 1000) + STEADY_BATCH, STEADY_BATCH);
  const requestMs: number[] = [];
  const totals = { accepted: 0, failedRequests: 0, deferred: 0 };
  const pending = new Set<Promise<void>>();
  const send = (json: string) => {
    const sentAt = performance.now();
    const request = postBatch(tracking, json).then(({ status, reply }) => {
      requestMs.push(performance.now() - sentAt);
      if (status === 200) totals.accepted += reply.accepted ?? 0;
      else totals.failedRequests++;
      pending.delete(request);
    });
    pending.add(request);
  };
  const startedAt = wallClock();
  const started = performance.now();
  let next = 0;
  for (let elapsed = 0; elapsed < durationMs; elapsed = performance.now() - started) {
    const due = Math.min(bodies.length, Math.floor((elapsed * perSecond) / 1000 / STEADY_BATCH) + 1);
    while (next < due && pending.size < STEADY_IN_FLIGHT) send(bodies[next++] as string);
    if (next < due) totals.deferred++;
    await sleep(5);
  }
  const sentMs = performance.now() - started;
  await Promise.all(pending);
  const elapsedMs = performance.now() - started;
  return { ...totals, sentMessages: next * STEADY_BATCH, sentMs, elapsedMs, startedAt, requestMs };
}

export type SteadyLoad = Awaited<ReturnType<typeof steadyLoad>>;

export interface PeopleCommand {
  kind: 'people';
  tracking: Tracking;
  people: number;
}

const PEOPLE_BATCH = 500;
const PEOPLE_SENDERS = 8;

/**
 * A space of `people` profiles, fast: one identify per person with the population's traits (no
 * history), in bodies of PEOPLE_BATCH, PEOPLE_SENDERS requests at a time. Generation is not timed.
 */
export async function loadPeople({ tracking, people }: PeopleCommand) {
  const generating = performance.now();
  const bodies: string[] = [];
  let batch: object[] = [];
  for (const person of generatePopulation({ seed: 7, size: people, now: new Date() })) {
    batch.push({
      type: 'identify',
      messageId: `identify-${person.id}`,
      userId: person.id,
      traits: person.traits,
    });
    if (batch.length === PEOPLE_BATCH) {
      bodies.push(bodyOf(batch));
      batch = [];
    }
  }
  if (batch.length > 0) bodies.push(bodyOf(batch));
  const generationMs = performance.now() - generating;
  return { ...(await postBodies(tracking, bodies)), generationMs };
}

/** `/v1/batch` bodies as fast as they are taken, PEOPLE_SENDERS requests at a time. */
export async function postBodies(tracking: Tracking, bodies: readonly string[]) {
  const startedAt = wallClock();
  const started = performance.now();
  let accepted = 0;
  let failedRequests = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: PEOPLE_SENDERS }, async () => {
      for (let body = bodies[next++]; body; body = bodies[next++]) {
        const { status, reply } = await postBatch(tracking, body);
        if (status === 200) accepted += reply.accepted ?? 0;
        else failedRequests++;
      }
    }),
  );
  return { accepted, failedRequests, startedAt, elapsedMs: performance.now() - started };
}

export type PeopleLoad = Awaited<ReturnType<typeof loadPeople>>;
