import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitForPort } from '@prism/infra';
import { freePort } from '../service-process.js';

/**
 * The chaos run's own NATS and Mongo-wire server, on free ports with data under a temporary
 * state directory, started by the same deploy/local scripts `npm run infra:up` uses (their
 * PRISM_STATE_DIR and port variables), so they can be killed and restarted without touching
 * the shared servers other tests run on.
 */

const run = promisify(execFile);
const deployLocal = resolve(import.meta.dirname, '../../deploy/local');

export type InfraServer = 'nats' | 'ferretdb';

const SCRIPT: Record<InfraServer, string> = { nats: 'nats.sh', ferretdb: 'ferretdb.sh' };
const START_TIMEOUT_MS = 30_000;

export interface ChaosServers {
  natsUrl: string;
  mongoUrl: string;
  /** kill -9 of the server, then the same script starts it again on the same port and data. */
  restart(server: InfraServer): Promise<void>;
  /** kill -9 of both and removal of their data. */
  stop(): Promise<void>;
}

export async function startChaosServers(): Promise<ChaosServers> {
  const stateDir = await mkdtemp(join(tmpdir(), 'prism-chaos-'));
  const ports: Record<InfraServer, number> = { nats: await natsPort(), ferretdb: await freePort() };
  const env = {
    ...process.env,
    PRISM_STATE_DIR: stateDir,
    PRISM_NATS_PORT: String(ports.nats),
    PRISM_MONGO_PORT: String(ports.ferretdb),
  };
  const start = async (server: InfraServer) => {
    await run('bash', [join(deployLocal, SCRIPT[server])], { env, timeout: START_TIMEOUT_MS * 10 });
    await waitForPort(ports[server], START_TIMEOUT_MS);
  };
  const kill = async (server: InfraServer) => {
    const pid = Number(readFileSync(join(stateDir, server, 'pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    // Not the pid: a killed daemon may stay a zombie where nothing reaps it. Its port closes.
    while (!(await portFree(ports[server]))) await new Promise((done) => setTimeout(done, 20));
  };
  await Promise.all([start('nats'), start('ferretdb')]);
  return {
    natsUrl: `nats://127.0.0.1:${ports.nats}`,
    mongoUrl: `mongodb://127.0.0.1:${ports.ferretdb}/`,
    async restart(server) {
      await kill(server);
      await start(server);
    },
    async stop() {
      await Promise.allSettled([kill('nats'), kill('ferretdb')]);
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

/** nats.sh puts the monitoring port 4000 above the client port: both must be free. */
async function natsPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 4000 < 65_536 && (await portFree(port + 4000))) return port;
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      done(false);
    });
    socket.once('error', () => done(true));
  });
}
