import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveInfrastructure, stopLocalServers, waitForPort } from '@prism/infra';
import { AudienceApproach } from '@prism/proto/prism/strategy/v1/strategy';
import { defineDemoAudiences } from './demo-audiences.js';
import { demoCampaign, loadDemoData } from './demo-data.js';
import { demoWriteKey, exampleLookup, exampleLookups, loadDemoProfiles } from './demo-profiles.js';
import { defineDemoComputedTraits } from './demo-traits.js';
import { startDemoWebhook } from './demo-webhook.js';
import { say } from './say.js';
import { ServiceLogs } from './service-logs.js';
import { grpcAddress, portOf, portsInUse, type ServiceProcess, services } from './services.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const DEMO_SPACE = 'demo';
const DEMO_KEY = process.env.PRISM_DEMO_KEY ?? 'demo-key-0001';
// The operator key creates spaces (profile SpaceService). This default is for a local machine only.
const LOCAL_ADMIN_KEY = 'local-operator-key-0001';
const ADMIN_KEY = process.env.PRISM_ADMIN_KEY ?? LOCAL_ADMIN_KEY;
const DEMO_PROFILES = Number(process.env.PRISM_DEMO_PROFILES ?? 10_000);
const PROFILE_HTTP_URL = `http://127.0.0.1:${portOf('PROFILE_HTTP_PORT')}`;
const DEMO_WEBHOOK_PORT = Number(process.env.PRISM_DEMO_WEBHOOK_PORT ?? 8099);
/** The demo audience whose webhook deliveries `npm start` prints. */
const DEMO_WEBHOOK_AUDIENCE = 'dach_runners_buying';
/** What the demo started besides the services (the webhook receiver), closed on shutdown. */
const onShutdown: { close(): Promise<void> }[] = [];

/**
 * `npm start`: infrastructure, every service as its own process, demo data, then wait for Ctrl-C.
 * The terminal shows a line per service once it listens, then the banner, then the logs.
 */
async function main() {
  if (!Number.isInteger(DEMO_PROFILES) || DEMO_PROFILES < 0) {
    throw new Error(`PRISM_DEMO_PROFILES must be a whole number, got ${process.env.PRISM_DEMO_PROFILES}`);
  }
  // Before the infrastructure: a LOG_FORMAT it refuses leaves nothing running.
  const logs = new ServiceLogs(resolve(repoRoot, '.prism/logs'), repoRoot);
  const busy = await portsInUse();
  if (busy.length > 0) {
    say(`already in use: port ${busy.join(', ')}; is another npm start running?`);
    process.exit(1);
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
    // JSON into the files whatever the terminal wants; ServiceLogs prints them pretty if asked.
    LOG_FORMAT: 'json',
    // Ctrl-C is ours to handle: the services leave SIGINT to us and stop on our SIGTERM.
    PRISM_SUPERVISED: '1',
  };
  const portsEnv = (service: (typeof services)[number]) =>
    Object.fromEntries(service.ports.map((p) => [p.variable, String(p.port)]));
  const children = services.map((service) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, service.entry)], {
      cwd: repoRoot,
      env: { ...env, ...portsEnv(service) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    logs.follow(service.name, child);
    child.on('exit', (code, signal) => {
      if (!stopping)
        say(
          `${service.name} exited (${signal ?? code}), see ${logs.fileOf(service.name)}; stopping everything`,
        );
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
    logs.showWarningsOnly();
    say('stopping services…');
    await Promise.all(onShutdown.map((part) => part.close()));
    await Promise.all(children.map(stopChild));
    logs.close();
    await infra.release();
    if (infra.startedLocally.length > 0) {
      say(`stopping ${infra.startedLocally.join(' and ')} (started by this run)`);
      await stopLocalServers(infra.startedLocally);
    }
    process.exit(code);
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(0));

  try {
    const writeKey = await prepareDemo(infra.natsUrl, logs);
    logs.showAll();
    // In the background: the services are usable while the profiles arrive.
    loadDemoProfiles({
      address: grpcAddress('profile'),
      apiKey: DEMO_KEY,
      httpUrl: PROFILE_HTTP_URL,
      writeKey,
      size: DEMO_PROFILES,
      signal: loading.signal,
    }).catch((error) => console.error('[prism] loading demo profiles failed:', error));
  } catch (error) {
    // Stop the services too: nothing may outlive a failed start.
    console.error(`[prism] start failed (service logs: ${logs.fileOf('<service>')}):`, error);
    await shutdown(1);
  }
}

/** Waits for every service, loads the demo space and prints the banner; the demo write key. */
async function prepareDemo(natsUrl: string, logs: ServiceLogs): Promise<string> {
  await Promise.all(services.map(announceWhenListening));
  const demo = await loadDemoData(
    { strategy: grpcAddress('strategy'), persona: grpcAddress('persona') },
    DEMO_KEY,
  );
  say(demo.created ? `demo space "${DEMO_SPACE}" loaded` : `demo space "${DEMO_SPACE}" already has data`);
  const profileSpace = await demoWriteKey(grpcAddress('profile'), ADMIN_KEY, DEMO_SPACE);
  say(`profile space "${DEMO_SPACE}" ${profileSpace.created ? 'created' : 'exists; issued a new write key'}`);
  await defineDemoComputedTraits(grpcAddress('profile'), DEMO_KEY);
  const audiences = await defineDemoAudiences(grpcAddress('audience-sync'), DEMO_KEY, exampleLookups(5));
  if (audiences > 0) say(`${audiences} demo audiences created; they fill as the demo profiles arrive`);
  onShutdown.push(
    await startDemoWebhook(grpcAddress('audience-sync'), DEMO_KEY, DEMO_WEBHOOK_AUDIENCE, DEMO_WEBHOOK_PORT),
  );
  const campaigns = {
    ai: await demoCampaign(grpcAddress('strategy'), DEMO_KEY, AudienceApproach.AUDIENCE_APPROACH_AI_SEGMENTS),
    personas: await demoCampaign(
      grpcAddress('strategy'),
      DEMO_KEY,
      AudienceApproach.AUDIENCE_APPROACH_STRATEGY_PERSONAS,
    ),
  };
  printHowToCall(natsUrl, profileSpace.writeKey, campaigns, logs);
  if (ADMIN_KEY === LOCAL_ADMIN_KEY) say(`operator key (PRISM_ADMIN_KEY): ${ADMIN_KEY}`);
  return profileSpace.writeKey;
}

/** `✓ profile  gRPC 127.0.0.1:50054 · HTTP 127.0.0.1:8088` once all of the service's ports are open. */
async function announceWhenListening(service: ServiceProcess): Promise<void> {
  await Promise.all(service.ports.map(({ port }) => waitForPort(port, 60_000)));
  const ports = service.ports.map((p) => `${p.protocol} 127.0.0.1:${p.port}`).join(' · ');
  process.stderr.write(`  ✓ ${service.name.padEnd(20)}${ports}\n`);
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

type DemoCampaign = { id: string; epoch: number } | undefined;

function printHowToCall(
  natsUrl: string,
  writeKey: string,
  campaigns: { ai: DemoCampaign; personas: DemoCampaign },
  logs: ServiceLogs,
) {
  const aiCampaignId = campaigns.ai?.id ?? '<campaign id>';
  const personas = campaigns.personas ?? { id: '<campaign id>', epoch: 0 };
  process.stderr.write(`
Prism is running (Ctrl-C stops everything this command started).
Full logs of each service: ${logs.fileOf('<service>')}; from here on they also show below.

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

Watch audiences change as the demo profiles arrive (entered / exited / computed):
  nats --server ${natsUrl} sub 'prism.demo.audience.>'
  npm run prism -- audiences list --campaigns --api-key ${DEMO_KEY}
then switch the personas campaign to AI segments: its campaign audience empties at the new epoch
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' \\
    -d '{"campaignId":"${personas.id}","approach":"AUDIENCE_APPROACH_AI_SEGMENTS","expectedEpoch":${personas.epoch}}' \\
    127.0.0.1:50051 prism.strategy.v1.StrategyService/SetAudienceApproach

Send an audience to destinations (a signed webhook, Meta Custom Audiences, a CSV file):
  grpcurl -plaintext -H 'authorization: Bearer ${DEMO_KEY}' -d '{}' \\
    127.0.0.1:50055 prism.audience.v1.DestinationService/ListDestinations
  (the demo webhook receiver on 127.0.0.1:${DEMO_WEBHOOK_PORT} prints what "${DEMO_WEBHOOK_AUDIENCE}" sends it)

Watch every event:
  nats --server ${natsUrl} sub 'prism.demo.>'

`);
}

main().catch((error) => {
  console.error('[prism] start failed:', error);
  process.exit(1);
});
