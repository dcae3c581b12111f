import { type ChildProcess, spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_CONFIG_SOURCE } from './auth-file.js';

/** A nats-server of its own for a test, configured like nats.sh's: deploy/nats in a temp folder. */
export interface TestNatsServer {
  url: string;
  /** Its config folder, with the pid file nats.sh keeps: what `issueCredential` writes and reloads. */
  configDir: string;
  stop(): Promise<void>;
}

/** Starts the installed nats-server on a free port; the shared one on 4222 is never touched. */
export async function startTestNatsServer(): Promise<TestNatsServer> {
  const configDir = await mkdtemp(join(tmpdir(), 'prism-nats-'));
  for (const file of ['nats.conf', 'auth.conf'])
    await copyFile(join(NATS_CONFIG_SOURCE, file), join(configDir, file));
  const port = await freePort();
  const server = spawn(
    'nats-server',
    ['-c', join(configDir, 'nats.conf'), '-a', '127.0.0.1', '-p', String(port)],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, PRISM_NATS_STORE_DIR: join(configDir, 'jetstream') },
    },
  );
  await writeFile(join(configDir, 'pid'), String(server.pid));
  await ready(server);
  return {
    url: `nats://127.0.0.1:${port}`,
    configDir,
    async stop() {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
      await rm(configDir, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}

/** Resolves on the server's "Server is ready" (it logs to stderr), fails with its log if it exits. */
function ready(server: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    server.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Server is ready')) resolve();
    });
    server.once('error', (error) =>
      reject(new Error('cannot run nats-server (bash deploy/local/nats.sh installs it)', { cause: error })),
    );
    server.once('exit', (code) => reject(new Error(`nats-server exited with ${code}:\n${log}`)));
  });
}
