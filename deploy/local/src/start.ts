import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveInfrastructure, stopLocalServers, waitForPort } from '@prism/infra';
import { aiSegmentsCampaignId, loadDemoData } from './demo-data.js';
import { demoWriteKey, exampleLookup, loadDemoProfiles } from './demo-profiles.js';
import { defineDemoComputedTraits } from './demo-traits.js';
import { grpcAddress, portOf, services } from './services.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_SPACE = 'demo';
const DEMO_KEY = process.env.PRISM_DEMO_KEY ?? 'demo-key-0001';
// The operator key creates spaces (profile SpaceService). This default is for a local machine only.
const LOCAL_ADMIN_KEY = 'local-operator-key-0001';
const ADMIN_KEY = process.env.PRISM_ADMIN_KEY ?? LOCAL_ADMIN_KEY;
const DEMO_PROFILES = Number(process.env.PRISM_DEMO_PROFILES ?? 10_000);
const PROFILE_HTTP_URL = `http://127.0.0.1:${portOf('PROFILE_HTTP_PORT')}`;

const say = (message: string) => console.log(`[prism] ${message}`);

/** `npm start`: infrastructure, every service as its own process, demo data, then wait for Ctrl-C. */
async function main() {
  if (!Number.isInteger(DEMO_PROFILES) || DEMO_PROFILES < 0) {
    throw new Error(`PRISM_DEMO_PROFILES must be a whole number, got ${process.env.PRISM_DEMO_PROFILES}`);
  }
  const infra = await resolveInfrastructure();
  say(`NATS ${infra.natsUrl} · Mongo-wire ${infra.mongoUrl} (${infra.source})`);

  const env = {
    ...process.env,
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_API_KEYS: process.env.PRISM_API_KEYS ?? `${DEMO_SPACE}:${DEMO_KEY}`,
    // Only the profile service reads it; the others ignore variables they do not know.
    PRISM_ADMIN_KEY: ADMIN_KEY,
  };
  const portsEnv = (service: (typeof services)[number]) =>
    Object.fromEntries(service.ports.map((p) => [p.variable, String(p.port)]));
  const children = services.map((service) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, service.entry)], {
      cwd: repoRoot,
      env: { ...env, ...portsEnv(service) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('exit', (code, signal) => {
      if (!stopping) say(`${service.name} exited (${signal ?? code}); stopping everything`);
      void shutdown(code ?? 1);
    });
    return child;
  });

  // Aborted first on shutdown, so the demo profile load does not hit services that are stopping.
  const loading = new AbortController();
  let stopping = false;
  async function shutdown(code: number) {
    if (stopping) return;
    stopping = true;
    loading.abort();
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

  const ports = services.flatMap((service) => service.ports);
  await Promise.all(ports.map(({ port }) => waitForPort(port, 60_000)));
  const demo = await loadDemoData(
    { strategy: grpcAddress('strategy'), persona: grpcAddress('persona') },
    DEMO_KEY,
  );
  say(demo.created ? `demo space "${DEMO_SPACE}" loaded` : `demo space "${DEMO_SPACE}" already has data`);
  const profileSpace = await demoWriteKey(grpcAddress('profile'), ADMIN_KEY, DEMO_SPACE);
  say(`profile space "${DEMO_SPACE}" ${profileSpace.created ? 'created' : 'exists; issued a new write key'}`);
  await defineDemoComputedTraits(grpcAddress('profile'), DEMO_KEY);
  const aiCampaign = await aiSegmentsCampaignId(grpcAddress('strategy'), DEMO_KEY);
  printHowToCall(infra.natsUrl, profileSpace.writeKey, aiCampaign ?? '<campaign id>');
  if (ADMIN_KEY === LOCAL_ADMIN_KEY) say(`operator key (PRISM_ADMIN_KEY): ${ADMIN_KEY}`);
  // In the background: the services are usable while the profiles arrive.
  loadDemoProfiles({
    address: grpcAddress('profile'),
    apiKey: DEMO_KEY,
    httpUrl: PROFILE_HTTP_URL,
    writeKey: profileSpace.writeKey,
    size: DEMO_PROFILES,
    signal: loading.signal,
  }).catch((error) => console.error('[prism] loading demo profiles failed:', error));
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

function printHowToCall(natsUrl: string, writeKey: string, aiCampaignId: string) {
  const ports = services
    .flatMap((s) => s.ports.map((p) => `  ${`${s.name} ${p.protocol}`.padEnd(20)} 127.0.0.1:${p.port}`))
    .join('\n');
  console.log(`
Prism is running (Ctrl-C stops everything this command started).
${ports}

Call it (API key of the demo space: ${DEMO_KEY}):
  grpcurl -plaintext 127.0.0.1:50051 list
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{}' \\
    127.0.0.1:50051 prism.strategy.v1.StrategyService/ListCampaigns
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{}' \\
    127.0.0.1:50052 prism.persona.v1.PersonaService/ListPersonas
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{"lookup":"${exampleLookup()}"}' \\
    127.0.0.1:50054 prism.profile.v1.ProfileService/GetProfile

Generate AI segments of a campaign from the demo profiles (as they arrive):
  npm run prism -- segments generate --api-key ${DEMO_KEY} --campaign ${aiCampaignId} \\
    --context "focus on Europe, ages 25-45, runners"

Send events (write key of the demo space: ${writeKey}):
  curl -u '${writeKey}:' -H 'content-type: application/json' \\
    -d '{"userId":"me","event":"Tried Prism"}' ${PROFILE_HTTP_URL}/v1/track

Watch events:
  nats --server ${natsUrl} sub 'prism.demo.>'
`);
}

main().catch((error) => {
  console.error('[prism] start failed:', error);
  process.exit(1);
});
