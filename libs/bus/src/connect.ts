import { connect, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';
import type { ConsumerHandle } from './consume.js';
import { type BusLogger, stderrLogger } from './logger.js';
import { type EventPublisher, jetStreamPublisher } from './publish.js';
import { publishMany } from './publish-many.js';
import { assertPrefix } from './streams.js';
import { type Subscription, subscriber } from './subscription.js';

export interface BusOptions {
  servers: string | string[];
  /** Connection name shown by the server (`nats server report connections`): use the service name. */
  name: string;
  /** Subject prefix, `prism` in production; tests use a random one to stay isolated. */
  prefix: string;
  /** Where its consumers log; stderr by default. */
  logger?: BusLogger;
}

export interface Bus {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  prefix: string;
  publisher: EventPublisher;
  /** Starts a durable consumer of `subscription.kinds` from the stream of the service that owns them. */
  subscribe<T>(subscription: Subscription<T>): Promise<ConsumerHandle>;
  /** Drains: lets in-flight publishes and acks flush before the connection closes. */
  close(): Promise<void>;
}

export async function connectBus(opts: BusOptions): Promise<Bus> {
  assertPrefix(opts.prefix);
  const nc = await connect({
    servers: opts.servers,
    name: opts.name,
    // A service outlives NATS restarts: keep reconnecting rather than dying on the first blip.
    maxReconnectAttempts: -1,
    // Each request (a JetStream publish is one) would otherwise capture a stack trace for its
    // possible error: about a sixth of the profile service's CPU when it publishes its events.
    noAsyncTraces: true,
  });
  try {
    const jsm = await nc.jetstreamManager(); // fails fast if JetStream is not enabled
    const js = nc.jetstream();
    return {
      nc,
      js,
      jsm,
      prefix: opts.prefix,
      publisher: { ...jetStreamPublisher(js, opts.prefix), publishMany: publishMany(nc, opts.prefix) },
      subscribe: subscriber({ js, jsm, prefix: opts.prefix }, opts.logger ?? stderrLogger),
      async close() {
        if (!nc.isClosed()) await nc.drain();
      },
    };
  } catch (err) {
    await nc.close();
    throw err;
  }
}
