import { Worker } from 'node:worker_threads';
import type { FromWorker, IngestWorkerData, ToWorker } from './ingest-worker.js';

export interface IngestThread {
  port: number;
  stop(): Promise<void>;
}

const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts the HTTP tracking endpoint on a worker thread and answers its write-key lookups with
 * `spaceOf`. Resolves once it listens; a failure to start rejects with the worker's error.
 */
export function startIngestThread(
  settings: IngestWorkerData,
  spaceOf: (writeKey: string) => Promise<string | undefined>,
): Promise<IngestThread> {
  // No execArgv of the process (a test runner's or tsx's flags): the entry registers tsx itself.
  const worker = new Worker(new URL('./ingest-worker.mjs', import.meta.url), {
    workerData: settings,
    execArgv: [],
  });
  const send = (message: ToWorker) => worker.postMessage(message);
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      reject(new Error(`the HTTP ingest thread exited (${code}) before listening`)),
    );
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'spaceOf') {
        spaceOf(message.writeKey).then(
          (spaceId) => send({ kind: 'spaceOf', id: message.id, spaceId }),
          () => send({ kind: 'spaceOf', id: message.id, spaceId: undefined, failed: true }),
        );
      } else if (message.kind === 'listening') {
        worker.removeAllListeners('exit');
        worker.off('error', reject);
        resolve({ port: message.port, stop: () => stopWorker(worker, send) });
      }
    });
  });
}

function stopWorker(worker: Worker, send: (message: ToWorker) => void): Promise<void> {
  return new Promise((resolve) => {
    const timeout = setTimeout(() => void worker.terminate().then(() => resolve()), STOP_TIMEOUT_MS);
    worker.once('exit', () => {
      clearTimeout(timeout);
      resolve();
    });
    send({ kind: 'stop' });
  });
}
