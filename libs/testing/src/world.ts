import type { Client, ServiceError } from '@grpc/grpc-js';
import { type Bus, connectBus, type OwningService, type PrismEvent, streamName } from '@prism/bus';
import { createLogger, type Logger } from '@prism/log';
import { failureOf } from './failure.js';
import { type IsolatedInfra, isolatedInfra } from './isolation.js';
import { testApiKeysEnv } from './keys.js';
import { storedMessages } from './stored-messages.js';

/**
 * One multi-service test world: real services in this process on the shared NATS and Mongo-wire
 * servers, in a namespace of their own (subject prefix, a database per service), with the test
 * API keys, typed gRPC clients, restarts and a teardown that leaves nothing behind.
 *
 * Libs never import services (services depend on libs), so the world does not know any service:
 * each one describes how it starts in a `ServiceStarter` of its own, kept beside its config in
 * `services/<name>/src/testing/starter.ts`, and a harness hands the world the starters it needs:
 * `startWorld({ strategy: strategyStarter, persona: personaStarter })`. The keys name the
 * services; a starter's `calls` names the keys of the services whose addresses it is given.
 */

/** What a service starting in a world is told. */
export interface StartContext {
  /** Variables every service reads: the shared servers, the world's subject prefix and API keys. */
  env: Readonly<Record<string, string>>;
  /** This service's own database, as in production. */
  db: string;
  /** `host:port` of the gRPC API of each service named in its `calls`. */
  addresses: Readonly<Record<string, string>>;
}

export interface RunningService {
  /** Graceful: what it consumed is acknowledged and what it wrote is published. */
  stop(): Promise<void>;
}

/** How one service starts in a world (on a port of 0: the OS picks a free one) and how it is called. */
export interface ServiceStarter<Running extends RunningService = RunningService, C extends Client = Client> {
  /** Its logger's name. */
  name: string;
  /** The services (world keys) this one calls: they start, and listen, before it. */
  calls: readonly string[];
  start(context: StartContext, logger: Logger): Promise<Running>;
  grpcPort(running: Running): number;
  /** A client of its gRPC API. */
  connect(address: string): C;
}

type Starters = Record<string, ServiceStarter>;
type RunningOf<S> = S extends ServiceStarter<infer Running, Client> ? Running : never;
type ClientOf<S> = S extends ServiceStarter<RunningService, infer C> ? C : never;

export interface World<S extends Starters> {
  /** The namespace: subject prefix, database names, the shared servers' URLs. */
  infra: IsolatedInfra;
  /** A connection of the test's own, to read what the services published. */
  bus: Bus;
  /** Each running service by key; a restart replaces its entry. */
  services: { [K in keyof S]: RunningOf<S[K]> };
  /** A client of each service by key; a restart replaces its entry. */
  clients: { [K in keyof S]: ClientOf<S[K]> };
  addressOf(name: keyof S & string): string;
  /**
   * A graceful stop and a new instance on the same database and prefix (a new port and client;
   * its durable consumers resume). `beforeStart` runs in between, e.g. to drop a durable.
   */
  restart(name: keyof S & string, beforeStart?: () => Promise<void>): Promise<void>;
  /** Every event stored in a service's stream so far, oldest first, that `keep` accepts. */
  events(owner: OwningService, keep?: (event: PrismEvent) => boolean): Promise<PrismEvent[]>;
  /** Whether a durable consumer has handled everything in its stream. */
  consumerIdle(owner: OwningService, durable: string): Promise<boolean>;
  /** Stops every service (callers first), then drops the databases and streams. */
  stop(): Promise<void>;
}

const logLevel = (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent';

/** Starts the services, each as soon as those it calls listen. */
export async function startWorld<S extends Starters>(starters: S): Promise<World<S>> {
  const names = Object.keys(starters);
  for (const name of names) {
    const missing = starters[name]?.calls.find((callee) => !(callee in starters));
    if (missing) throw new Error(`${name} calls ${missing}, which this world does not start`);
  }
  const infra = isolatedInfra();
  const env = {
    NATS_URL: infra.natsUrl,
    MONGO_URL: infra.mongoUrl,
    PRISM_SUBJECT_PREFIX: infra.subjectPrefix,
    PRISM_API_KEYS: testApiKeysEnv,
    LOG_LEVEL: 'silent',
  };
  const bus = await connectBus({ servers: infra.natsUrl, name: 'test-world', prefix: infra.subjectPrefix });
  const starterOf = (name: string) => starters[name] as ServiceStarter;
  const services: Record<string, RunningService> = {};
  const clients: Record<string, Client> = {};
  const addressOf = (name: string) =>
    `127.0.0.1:${starterOf(name).grpcPort(services[name] as RunningService)}`;
  const launch = async (name: string) => {
    const starter = starterOf(name);
    const addresses = Object.fromEntries(starter.calls.map((callee) => [callee, addressOf(callee)]));
    const context = { env, db: infra.databaseFor(name), addresses };
    services[name] = await starter.start(context, createLogger(starter.name, { level: logLevel }));
    clients[name] = starter.connect(addressOf(name));
  };
  // Callers come up after their callees, so this order, reversed, stops callers first.
  const stopOrder: string[] = [];
  const started = new Map<string, Promise<void>>();
  const startAfterCallees = (name: string): Promise<void> => {
    let starting = started.get(name);
    if (!starting) {
      starting = Promise.all(starterOf(name).calls.map(startAfterCallees))
        .then(() => launch(name))
        .then(() => void stopOrder.unshift(name));
      started.set(name, starting);
    }
    return starting;
  };

  const world: World<Starters> = {
    infra,
    bus,
    services,
    clients,
    addressOf,
    async restart(name, beforeStart) {
      const callers = names.filter((other) => starterOf(other).calls.includes(name));
      if (callers.length > 0) throw new Error(`${callers.join(', ')} would keep calling ${name}'s old port`);
      clients[name]?.close();
      await services[name]?.stop();
      await beforeStart?.();
      await launch(name);
    },
    events: (owner, keep) => storedMessages(bus.jsm, streamName(infra.subjectPrefix, owner), keep),
    async consumerIdle(owner, durable) {
      const info = await bus.jsm.consumers.info(streamName(infra.subjectPrefix, owner), durable);
      return info.num_pending + info.num_ack_pending === 0;
    },
    async stop() {
      for (const client of Object.values(clients)) client.close();
      await bus.close();
      for (const name of stopOrder) await services[name]?.stop();
      await infra.cleanup();
    },
  };
  const outcomes = await Promise.allSettled(names.map(startAfterCallees));
  const failed = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await world.stop();
    throw failed.reason;
  }
  return world as World<S>;
}

/** Events of one kind (`persona.created` is `prism.persona.created`), for `World.events`. */
export const ofKind = (kind: string) => (event: PrismEvent) => event.type === `prism.${kind}`;

/** The gRPC error a call that must fail ends with. */
export const rpcFailureOf = (pending: Promise<unknown>) => failureOf<ServiceError>(pending);

export { keyOf, TEST_ADMIN_KEY, TEST_API_KEYS, type TestSpace } from './keys.js';
