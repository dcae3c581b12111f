import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { callUnary } from '@prism/grpc';
import { AudienceServiceClient } from '@prism/proto/prism/audience/v1/audience';
import { PersonaServiceClient } from '@prism/proto/prism/persona/v1/persona';
import { ProfileServiceClient } from '@prism/proto/prism/profile/v1/profile';
import { SegmentGenerationServiceClient } from '@prism/proto/prism/segments/v1/segments';
import { StrategyServiceClient } from '@prism/proto/prism/strategy/v1/strategy';
import { keyOf, TEST_ADMIN_KEY, TEST_API_KEYS } from '@prism/testing/world';
import { freePort, type ServiceProcess, startServiceProcess } from '../service-process.js';
import type { ChaosServers } from './servers.js';

/**
 * The five services as their own Node processes (as `npm start` runs them) on the chaos run's
 * servers, each on a port fixed for the whole run so a restarted one is found where it was.
 */

export const SERVICES = ['strategy', 'persona', 'segment-generation', 'profile', 'audience-sync'] as const;
export type ServiceName = (typeof SERVICES)[number];

export const SPACE = 'acme' as const;
export const SUBJECT_PREFIX = 'chaos';
const PROBE_DEADLINE_MS = 1_000;
/** grpc-js backs off up to 2 minutes between reconnects; a restarted service is found sooner. */
const RECONNECT = { 'grpc.initial_reconnect_backoff_ms': 100, 'grpc.max_reconnect_backoff_ms': 1_000 };

export interface ChaosClients {
  strategy: StrategyServiceClient;
  persona: PersonaServiceClient;
  segments: SegmentGenerationServiceClient;
  profile: ProfileServiceClient;
  audience: AudienceServiceClient;
}

export interface ChaosCluster {
  clients: ChaosClients;
  /** The profile service's HTTP Tracking API. */
  trackingUrl: string;
  profileAddress: string;
  start(name: ServiceName): void;
  /** kill -9: no graceful stop, nothing drained or acknowledged. */
  kill(name: ServiceName): Promise<void>;
  /** Whether the service answers a call that reads its database (a NOT_FOUND is an answer). */
  answers(name: ServiceName): Promise<boolean>;
  /** What each process logged, for a failure's report. */
  logs(name: ServiceName): string;
  /** SIGTERM to every process, callers first. */
  stop(): Promise<void>;
}

export async function startChaosCluster(servers: ChaosServers, exportDir: string): Promise<ChaosCluster> {
  const [strategy, persona, segments, profile, http, audience] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  const at = (port: number | undefined) => `127.0.0.1:${port}`;
  const common = {
    NATS_URL: servers.natsUrl,
    MONGO_URL: servers.mongoUrl,
    PRISM_SUBJECT_PREFIX: SUBJECT_PREFIX,
    PRISM_API_KEYS: `${SPACE}:${TEST_API_KEYS[SPACE]}`,
    LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
    STRATEGY_GRPC_ADDR: at(strategy),
    PROFILE_GRPC_ADDR: at(profile),
  };
  const envs: Record<ServiceName, Record<string, string>> = {
    strategy: { STRATEGY_GRPC_PORT: `${strategy}`, STRATEGY_DB: 'chaos_strategy' },
    persona: {
      PERSONA_GRPC_PORT: `${persona}`,
      PERSONA_DB: 'chaos_persona',
      AUDIENCE_GRPC_ADDR: at(audience),
    },
    'segment-generation': { SEGMENTS_GRPC_PORT: `${segments}`, SEGMENTS_DB: 'chaos_segments' },
    profile: {
      PROFILE_GRPC_PORT: `${profile}`,
      PROFILE_HTTP_PORT: `${http}`,
      PROFILE_DB: 'chaos_profile',
      PRISM_ADMIN_KEY: TEST_ADMIN_KEY,
    },
    'audience-sync': {
      AUDIENCE_GRPC_PORT: `${audience}`,
      AUDIENCE_DB: 'chaos_audience',
      AUDIENCE_EXPORT_DIR: exportDir,
    },
  };
  const insecure = credentials.createInsecure();
  const clients: ChaosClients = {
    strategy: new StrategyServiceClient(at(strategy), insecure, RECONNECT),
    persona: new PersonaServiceClient(at(persona), insecure, RECONNECT),
    segments: new SegmentGenerationServiceClient(at(segments), insecure, RECONNECT),
    profile: new ProfileServiceClient(at(profile), insecure, RECONNECT),
    audience: new AudienceServiceClient(at(audience), insecure, RECONNECT),
  };
  const running = new Map<ServiceName, ServiceProcess>();
  const logs = new Map<ServiceName, string>();
  const keepLogs = (name: ServiceName, process: ServiceProcess) =>
    process.exited.then(() => logs.set(name, (logs.get(name) ?? '') + process.stdout() + process.stderr()));
  return {
    clients,
    trackingUrl: `http://${at(http)}`,
    profileAddress: at(profile),
    start(name) {
      const process = startServiceProcess(name, { ...common, ...envs[name] });
      running.set(name, process);
      void keepLogs(name, process);
    },
    async kill(name) {
      const process = running.get(name);
      running.delete(name);
      process?.child.kill('SIGKILL');
      await process?.exited;
    },
    answers: (name) => probe(clients, name),
    logs: (name) => {
      const current = running.get(name);
      return (logs.get(name) ?? '') + (current ? current.stdout() + current.stderr() : '');
    },
    async stop() {
      for (const client of Object.values(clients)) client.close();
      for (const name of [...SERVICES].reverse()) {
        const process = running.get(name);
        process?.child.kill('SIGTERM');
        await process?.exited;
      }
    },
  };
}

/** A read by an id nobody has: NOT_FOUND means the service and its database answered. */
async function probe(clients: ChaosClients, name: ServiceName): Promise<boolean> {
  const key = keyOf(SPACE);
  const options = { deadline: Date.now() + PROBE_DEADLINE_MS };
  const { strategy, persona, segments, profile, audience } = clients;
  const calls: Record<ServiceName, () => Promise<unknown>> = {
    strategy: () => callUnary(strategy, strategy.getCampaign, key, { campaignId: 'probe' }, options),
    persona: () => callUnary(persona, persona.getPersona, key, { personaId: 'probe' }, options),
    'segment-generation': () =>
      callUnary(segments, segments.getSegment, key, { segmentId: 'probe' }, options),
    profile: () =>
      callUnary(profile, profile.getProfile, key, { lookup: 'user_id:probe', traitKeys: [] }, options),
    'audience-sync': () => callUnary(audience, audience.getAudience, key, { audience: 'probe' }, options),
  };
  try {
    await calls[name]();
    return true;
  } catch (error) {
    return (error as Partial<ServiceError>).code === status.NOT_FOUND;
  }
}
