import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveInfrastructure, stopLocalServers, waitForPort } from '@prism/infra';
import { loadDemoData } from './demo-data.js';
import { services } from './services.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_SPACE = 'demo';
const DEMO_KEY = process.env.PRISM_DEMO_KEY ?? 'demo-key-0001';

const say = (message: string) => console.log(`[prism] ${message}`);

/** `npm start`: infrastructure, every service as its own process, demo data, then wait for Ctrl-C. */
async function main() {
  const infra = await resolveInfrastructure();
  say(`NATS ${infra.natsUrl} · Mongo-wire ${infra.mongoUrl} (${infra.source})`);

  const env = {
    ...process.env,
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_API_KEYS: process.env.PRISM_API_KEYS ?? `${DEMO_SPACE}:${DEMO_KEY}`,
  };
  const children = services.map((service) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, service.entry)], {
      cwd: repoRoot,
      env: { ...env, [service.portVariable]: String(service.port) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      if (!stopping) say(`${service.name} exited (${signal ?? code}); stopping everything`);
      void shutdown(code ?? 1);
    });
    return child;
  });

  let stopping = false;
  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    say('stopping services…');
    await Promise.all(children.map(stopChild));
    await infra.release();
    if (infra.startedLocally.length > 0) {
      say(`stopping ${infra.startedLocally.join(' and ')} (started by this run)`);
      await stopLocalServers(infra.startedLocally);
    }
    process.exit(code);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

  await Promise.all(services.map((service) => waitForPort(service.port, 60_000)));
  const address = (name: string) => `127.0.0.1:${services.find((s) => s.name === name)?.port}`;
  const demo = await loadDemoData({ strategy: address('strategy'), persona: address('persona') }, DEMO_KEY);
  say(demo.created ? `demo space "${DEMO_SPACE}" loaded` : `demo space "${DEMO_SPACE}" already has data`);
  printHowToCall(infra.natsUrl);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill('SIGTERM');
  });
}

function printHowToCall(natsUrl: string) {
  const ports = services.map((s) => `  ${s.name.padEnd(20)} 127.0.0.1:${s.port}`).join('\n');
  console.log(`
Prism is running (Ctrl-C stops everything this command started).
${ports}

Call it (API key of the demo space: ${DEMO_KEY}):
  grpcurl -plaintext 127.0.0.1:50051 list
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{}' \\
    127.0.0.1:50051 prism.strategy.v1.StrategyService/ListCampaigns
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{}' \\
    127.0.0.1:50052 prism.persona.v1.PersonaService/ListPersonas

Watch events:
  nats --server ${natsUrl} sub 'prism.demo.>'
`);
}

main().catch((error) => {
  console.error('[prism] start failed:', error);
  process.exit(1);
});
