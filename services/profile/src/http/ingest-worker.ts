import { parentPort, workerData } from 'node:worker_threads';
import { connectBus } from '@prism/bus';
import type { ServerTls } from '@prism/grpc';
import { createLogger, type LoggerOptions } from '@prism/log';
import type { RateLimit } from '@prism/rate-limit';
import { openIngestQueue } from '../pipeline/ingest-queue.js';
import { createTrackingHttpServer } from './server.js';

/**
 * The Segment HTTP endpoint on a thread of its own (see ingest-thread.ts): parsing, validating
 * and queueing requests then uses the second core instead of the pipeline's event loop. Write
 * keys are resolved by the main thread's space directory, so rotation and revocation take
 * effect here exactly as there.
 */
export interface IngestWorkerData {
  natsUrl: string;
  prefix: string;
  dedupeWindowMs: number;
  port: number;
  host: string;
  logLevel: LoggerOptions['level'];
  /** Each space's request rate on this endpoint (PRISM_RATE_LIMIT_RPS / PRISM_RATE_LIMIT_BURST). */
  rateLimit: RateLimit;
  /** HTTPS with the service's certificate and key (PRISM_TLS_CERT_FILE / PRISM_TLS_KEY_FILE). */
  tls?: ServerTls | undefined;
}

export type ToWorker =
  | { kind: 'spaceOf'; id: number; spaceId: string | undefined; failed?: boolean }
  | { kind: 'stop' };
export type FromWorker =
  | { kind: 'spaceOf'; id: number; writeKey: string }
  | { kind: 'listening'; port: number };

const port = parentPort;
if (!port) throw new Error('ingest-worker.ts runs as a worker thread');
const settings = workerData as IngestWorkerData;
const send = (message: FromWorker) => port.postMessage(message);

const logger = createLogger('profile-http', { level: settings.logLevel });
const bus = await connectBus({ servers: settings.natsUrl, name: 'profile-http', prefix: settings.prefix });
const queue = await openIngestQueue(bus.js, bus.jsm, settings.prefix, settings.dedupeWindowMs);
const lookups = new Map<
  number,
  { resolve: (spaceId: string | undefined) => void; reject: (e: Error) => void }
>();
let nextLookup = 0;
const http = createTrackingHttpServer({
  writeKeys: {
    spaceOf: (writeKey) =>
      new Promise((resolve, reject) => {
        const id = nextLookup++;
        lookups.set(id, { resolve, reject });
        send({ kind: 'spaceOf', id, writeKey });
      }),
  },
  accept: (spaceId, messages) => queue.enqueue(spaceId, messages),
  logger,
  rateLimit: settings.rateLimit,
  tls: settings.tls,
});
port.on('message', async (message: ToWorker) => {
  if (message.kind === 'spaceOf') {
    const lookup = lookups.get(message.id);
    lookups.delete(message.id);
    // A failed lookup is the server's fault: the endpoint answers 503, which SDKs retry.
    if (message.failed) lookup?.reject(new Error('the write key could not be looked up'));
    else lookup?.resolve(message.spaceId);
    return;
  }
  await http.close();
  await bus.close();
  port.close(); // the thread exits, which is what stop() waits for
});
send({ kind: 'listening', port: await http.listen(settings.port, settings.host) });
