import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type { Bus, OwningService } from '@prism/bus';
import type { ApiKeyResolver, TlsConfig } from '@prism/grpc';
import type { Logger, LoggerOptions } from '@prism/log';
import type { AggregateStorage, OutboxRelay } from '@prism/store';
import type { Db } from 'mongodb';
import type { z } from 'zod';

/** The variables of commonEnv (@prism/config) the runtime reads from every service's config. */
export interface ServiceEnv extends TlsConfig {
  MONGO_URL: string;
  NATS_URL: string;
  PRISM_SUBJECT_PREFIX: string;
  PRISM_API_KEYS: ReadonlyMap<string, string>;
  METRICS_PORT: number;
  PRISM_RATE_LIMIT_RPS: number;
  PRISM_RATE_LIMIT_BURST: number;
  LOG_LEVEL: NonNullable<LoggerOptions['level']>;
}

/** A service's config schema: an object of environment variables whose parsed form has commonEnv's. */
export type ConfigSchema = z.ZodObject & z.ZodType<ServiceEnv>;

/** Something started that the runtime stops in its turn. */
export interface Stoppable {
  stop(): Promise<void> | void;
}

// biome-ignore lint/suspicious/noExplicitAny: grpc-js's own definitions are typed this loosely.
export type GrpcMount = [ServiceDefinition<any>, UntypedServiceImplementation];

/** What a service's `parts` are given: its config and what the runtime connected for it. */
export interface ServiceRuntime<Config, Repos> {
  config: Config;
  repos: Repos;
  bus: Bus;
  logger: Logger;
}

/** What a service runs on the runtime, started by its `parts`; the runtime stops them in order. */
export interface ServiceParts<Exposed> {
  /** The gRPC services it serves, beside health and reflection. */
  grpc: GrpcMount[];
  /** Its consumers: stopped once calls have stopped, so handlers in flight finish with NATS and Mongo open. */
  consumers?: Stoppable[];
  /** Work beside calls and consumers (an HTTP front door, a timer, a cache reload): stopped with the gRPC server. */
  background?: Stoppable[];
  /**
   * What is still starting when gRPC listens (a front door whose thread loads its modules): calls
   * are answered meanwhile. A failure of it stops the service (`RunningService.started`).
   */
  starting?: Promise<unknown>;
  /** Whose an API key is; when omitted, the keys the profile service announces and PRISM_API_KEYS. */
  apiKeys?: ApiKeyResolver;
  /** Clients of other services: closed once the consumers, which may call them, have stopped. */
  close?: () => void;
  /** What the running service shows its callers (tests, benchmarks) beside its port and repositories. */
  exposes?: Exposed;
}

/**
 * A service described for the runtime: what it is called, its config, its
 * database, streams and repositories, and the parts it mounts. `runService(module)` is its main.
 */
export interface ServiceModule<Schema extends ConfigSchema, Repos, Exposed = object> {
  /** e.g. `persona`: the logger, NATS connection and metrics label. */
  name: string;
  /** Its environment variables: commonEnv (@prism/config) and its own. */
  config: Schema;
  database(config: z.output<Schema>): string;
  /** Where its gRPC server listens; port 0 lets the OS pick one (tests). */
  listen(config: z.output<Schema>): { host: string; port: number };
  /** Streams it publishes to or consumes from; ensured whoever starts first. */
  streams: OwningService[];
  openRepositories(db: Db, config: z.output<Schema>): Promise<Repos>;
  /** Where its writes queue events for the runtime's outbox relay; none if it publishes them itself. */
  outbox?(repos: Repos): AggregateStorage;
  parts(runtime: ServiceRuntime<z.output<Schema>, Repos>): Promise<ServiceParts<Exposed>>;
}

export type RunningService<Repos, Exposed = object> = Exposed & {
  /** The bound gRPC port. */
  port: number;
  /** Resolves once what was still starting when gRPC listened has started; a failure of it rejects. */
  started: Promise<void>;
  repos: Repos;
  /** Graceful: stop accepting calls and consuming, flush the outbox, close connections. */
  stop(): Promise<void>;
};

export type RunningOutboxService<Repos, Exposed = object> = RunningService<Repos, Exposed> & {
  relay: OutboxRelay;
};
