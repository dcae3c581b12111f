import { performance } from 'node:perf_hooks';
import { generatePopulation, messagesOf, type SegmentMessage } from '@prism/population';
import { runProfileApiLoad } from './profile-api.js';

/**
 * The load generator of the profile benchmark, in a process of its own (forked by
 * profile-ingest.ts) so that its CPU is not taken from the service's event loop: it makes the
 * Segment `/v1/batch` bodies of a seeded population and POSTs them, then drives GetProfile.
 * Commands and results travel over the IPC channel.
 */

const BATCH_MESSAGES = 500;
const BATCH_BYTES = 450 * 1024; // under the service's 500 KB request limit
const SENDERS = 8;

export type LoadCommand =
  | { kind: 'ingest'; url: string; writeKey: string; people: number }
  | { kind: 'api'; address: string; apiKey: string; userIds: string[]; echoAddress: string };

export interface Workload {
  bodies: { json: string; count: number }[];
  messages: number;
  /** userIds of the people who signed in (the others are anonymous only). */
  userIds: string[];
  generationMs: number;
}

export const SENDING = { batchMessages: BATCH_MESSAGES, senders: SENDERS };

/** The population's Segment messages in `/v1/batch` bodies, in generation order, made before timing. */
function generateWorkload(people: number): Workload {
  const start = performance.now();
  const now = new Date();
  const bodies: Workload['bodies'] = [];
  const userIds: string[] = [];
  let batch: SegmentMessage[] = [];
  let bytes = 0;
  let messages = 0;
  const flush = () => {
    if (batch.length > 0) bodies.push({ json: JSON.stringify({ batch }), count: batch.length });
    batch = [];
    bytes = 0;
  };
  for (const person of generatePopulation({ seed: 42, size: people, now })) {
    const mine = messagesOf(person, { now });
    if (mine.some((message) => message.userId !== undefined)) userIds.push(person.id);
    for (const message of mine) {
      const size = JSON.stringify(message).length + 1;
      if (batch.length >= BATCH_MESSAGES || bytes + size > BATCH_BYTES) flush();
      batch.push(message);
      bytes += size;
      messages++;
    }
  }
  flush();
  return { bodies, messages, userIds, generationMs: performance.now() - start };
}

interface BatchReply {
  accepted?: number;
  duplicates?: number;
  rejected?: unknown[];
  message?: string;
}

/** SENDERS senders, each POSTing the next body as soon as its previous one was answered. */
async function postAll(url: string, writeKey: string, { bodies }: Workload) {
  const authorization = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const totals = { accepted: 0, duplicates: 0, rejected: 0, failedRequests: 0, failedMessages: 0 };
  const failures: Record<string, number> = {};
  const requestMs: number[] = [];
  let next = 0;
  const startedAt = performance.timeOrigin + performance.now();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      for (let body = bodies[next++]; body; body = bodies[next++]) {
        const sentAt = performance.now();
        const outcome = await fetch(`${url}/v1/batch`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: body.json,
        }).then(
          async (response) => ({ status: response.status, reply: (await response.json()) as BatchReply }),
          (error: Error) => ({ status: 0, reply: { message: error.message } as BatchReply }),
        );
        requestMs.push(performance.now() - sentAt);
        if (outcome.status === 200 || outcome.status === 202) {
          totals.accepted += outcome.reply.accepted ?? 0;
          totals.duplicates += outcome.reply.duplicates ?? 0;
          totals.rejected += outcome.reply.rejected?.length ?? 0;
        } else {
          totals.failedRequests++;
          totals.failedMessages += body.count;
          const key = `${outcome.status} ${outcome.reply.message ?? ''}`.trim();
          failures[key] = (failures[key] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  return { ...totals, requests: bodies.length, failures, startedAt, elapsedMs, requestMs };
}

export type IngestLoad = Awaited<ReturnType<typeof postAll>> & {
  messages: number;
  userIds: string[];
  generationMs: number;
  cpuS: number;
};

async function run(command: LoadCommand) {
  const cpu = process.cpuUsage();
  if (command.kind === 'ingest') {
    const workload = generateWorkload(command.people);
    const sendCpu = process.cpuUsage();
    const http = await postAll(command.url, command.writeKey, workload);
    const { user, system } = process.cpuUsage(sendCpu);
    const { messages, userIds, generationMs } = workload;
    return { ...http, messages, userIds, generationMs, cpuS: (user + system) / 1e6 } satisfies IngestLoad;
  }
  const { runs, peerRuns } = await runProfileApiLoad(
    command.address,
    command.apiKey,
    command.userIds,
    command.echoAddress,
  );
  const { user, system } = process.cpuUsage(cpu);
  return { runs, peerRuns, cpuS: (user + system) / 1e6 };
}

process.on('message', (command: LoadCommand) => {
  run(command).then(
    (result) => process.send?.({ ok: true, result }),
    (error: Error) => process.send?.({ ok: false, error: error.stack ?? error.message }),
  );
});
