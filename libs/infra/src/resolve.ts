import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type InfrastructureSource = 'environment' | 'testcontainers' | 'local';

export interface Infrastructure {
  natsUrl: string;
  mongoUrl: string;
  source: InfrastructureSource;
  /** Local servers this call had to start (the others were already up). */
  startedLocally: LocalServer[];
  /** Stops containers this call started; local servers stay up for the next run. */
  release(): Promise<void>;
}

export type LocalServer = 'nats' | 'ferretdb';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * A real NATS (JetStream) and a real Mongo-wire server, in the order of docs/architecture.md §5:
 * URLs from the environment, testcontainers when a Docker engine answers, otherwise
 * the local binaries deploy/local installs and starts.
 */
export async function resolveInfrastructure(env: NodeJS.ProcessEnv = process.env): Promise<Infrastructure> {
  if (env.NATS_URL && env.MONGO_URL) {
    return {
      natsUrl: env.NATS_URL,
      mongoUrl: env.MONGO_URL,
      source: 'environment',
      startedLocally: [],
      release: async () => {},
    };
  }
  if (await dockerAnswers()) return startContainers();
  return startLocalServers();
}

async function dockerAnswers(): Promise<boolean> {
  const socket = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
  if (!process.env.DOCKER_HOST && !existsSync(socket)) return false;
  try {
    await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<Infrastructure> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const [nats, mongo] = await Promise.all([
    new GenericContainer('nats:2.10-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start(),
    new GenericContainer('mongo:7').withExposedPorts(27017).start(),
  ]);
  return {
    natsUrl: `nats://${nats.getHost()}:${nats.getMappedPort(4222)}`,
    mongoUrl: `mongodb://${mongo.getHost()}:${mongo.getMappedPort(27017)}/`,
    source: 'testcontainers',
    startedLocally: [],
    release: async () => {
      await Promise.all([nats.stop(), mongo.stop()]);
    },
  };
}

async function startLocalServers(): Promise<Infrastructure> {
  const stdout = await runShowingProgress('bash', [resolve(repoRoot, 'deploy/local/up.sh')]);
  const urls = Object.fromEntries(
    stdout
      .split('\n')
      .map((line) => line.trim().split('='))
      .filter((pair): pair is [string, string] => pair.length === 2),
  );
  if (!urls.NATS_URL || !urls.MONGO_URL) {
    throw new Error(`deploy/local/up.sh printed no NATS_URL/MONGO_URL:\n${stdout}`);
  }
  const startedLocally: LocalServer[] = [];
  if (urls.NATS_STARTED) startedLocally.push('nats');
  if (urls.MONGO_STARTED) startedLocally.push('ferretdb');
  return {
    natsUrl: urls.NATS_URL,
    mongoUrl: urls.MONGO_URL,
    source: 'local',
    startedLocally,
    release: async () => {},
  };
}

/** Stops local servers (those `startedLocally` named, typically) with deploy/local/down.sh. */
export async function stopLocalServers(servers: LocalServer[]): Promise<void> {
  if (servers.length === 0) return;
  await run('bash', [resolve(repoRoot, 'deploy/local/down.sh'), ...servers], { timeout: 30_000 });
}

/** Runs a script whose progress (stderr) the user should see while its stdout is captured. */
function runShowingProgress(command: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolveRun(stdout) : reject(new Error(`${args.join(' ')} exited with ${code}`)),
    );
  });
}
