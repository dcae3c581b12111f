import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { eventually } from '@prism/testing';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

/** A free TCP port on loopback, for a service that must keep its address across restarts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Where a test world's services are, as audience-sync reads it from its environment. */
interface WorldAddresses {
  infra: { natsUrl: string; mongoUrl: string; subjectPrefix: string; databaseFor(service: string): string };
  addressOf(service: 'profile'): string;
}

/** The environment of an audience-sync process joining a test world (space acme), plus `extra`. */
export function audienceProcessEnv(world: WorldAddresses, extra: Record<string, string> = {}) {
  return {
    NATS_URL: world.infra.natsUrl,
    MONGO_URL: world.infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: world.infra.subjectPrefix,
    PRISM_API_KEYS: 'acme:acme-key-0001',
    AUDIENCE_DB: world.infra.databaseFor('audience-sync'),
    AUDIENCE_SNAPSHOT_MS: '300',
    PROFILE_GRPC_ADDR: world.addressOf('profile'),
    LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'warn',
    ...extra,
  };
}

/**
 * audience-sync as its own OS process (`main.ts` through tsx), so a test can kill it with
 * SIGKILL — no graceful stop, no last snapshot — and start it again on the same database.
 */
export class AudienceProcess {
  private child: ChildProcess | undefined;
  readonly address: string;

  constructor(
    private readonly env: Record<string, string>,
    readonly port: number,
  ) {
    this.address = `127.0.0.1:${port}`;
  }

  async start(): Promise<AudienceServiceClient> {
    this.child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, ...this.env, AUDIENCE_GRPC_PORT: String(this.port), LOG_FORMAT: 'json' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const client = new AudienceServiceClient(this.address, credentials.createInsecure());
    await eventually(
      () =>
        new Promise<true | undefined>((resolve) =>
          client.waitForReady(Date.now() + 500, (error) => resolve(error ? undefined : true)),
        ),
      60_000,
    );
    return client;
  }

  /** kill -9: the process gets no chance to finish anything. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}
