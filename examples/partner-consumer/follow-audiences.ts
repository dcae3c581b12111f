import { AckPolicy, connect, DeliverPolicy, type JsMsg, type NatsConnection, nkeyAuthenticator } from 'nats';
import {
  type AudienceEvent,
  audienceFilter,
  type DropReason,
  parseAudienceEvent,
} from './audience-filter.js';

export interface FollowOptions {
  /** NATS servers, e.g. `nats://127.0.0.1:4222`. */
  servers: string | string[];
  /** Prism's subject prefix (`PRISM_SUBJECT_PREFIX`, `prism` by default). */
  prefix?: string;
  space: string;
  /** The durable consumer's name: restarting with the same name resumes where it left off. */
  durable: string;
  /**
   * The nkey seed of a partner credential (`npm run prism -- partners issue-credential`). Prism
   * made the durable when it issued it, and the credential may not create consumers, so the
   * follower only reads it; its replies come on `_INBOX.<durable>`, all the credential allows.
   */
  seed?: string;
  /** Handles an event once; a rejection leaves it unacknowledged, so it comes again. */
  onEvent(event: AudienceEvent): void | Promise<void>;
  onDrop?(event: AudienceEvent, reason: DropReason): void;
  /** A message that is not an audience event (it is acknowledged and skipped). */
  onInvalid?(subject: string): void;
}

/** What became of a message: handed to `onEvent`, dropped, or not an audience event. */
export type Outcome = 'handled' | DropReason | 'invalid';

export interface AudienceFollower {
  /** Runs one message's bytes through the same checks as a delivery (for replays and tests). */
  receive(subject: string, bytes: Uint8Array): Promise<Outcome>;
  /** Stops pulling, lets the message in hand finish, and closes the connection. */
  stop(): Promise<void>;
}

const RETRY_DELAY_MS = 1_000;

/**
 * Follows every audience of a space from Prism's PRISM_AUDIENCE stream with a durable pull
 * consumer on `<prefix>.<space>.audience.>`, acknowledging each message once it was handled.
 */
export async function followAudiences(options: FollowOptions): Promise<AudienceFollower> {
  const prefix = options.prefix ?? 'prism';
  const stream = `${prefix.toUpperCase()}_AUDIENCE`;
  const nc = await connect({
    servers: options.servers,
    name: `partner ${options.durable}`,
    ...(options.seed && {
      authenticator: nkeyAuthenticator(new TextEncoder().encode(options.seed)),
      inboxPrefix: `_INBOX.${options.durable}`,
    }),
  });
  try {
    if (!options.seed)
      await createDurable(nc, stream, `${prefix}.${options.space}.audience.>`, options.durable);
    const consumer = await nc.jetstream().consumers.get(stream, options.durable);
    const messages = await consumer.consume();
    const receive = receiver(options);
    const loop = (async () => {
      for await (const message of messages) await settle(message, receive);
    })();
    return {
      receive,
      async stop() {
        messages.stop();
        await loop;
        await nc.drain();
      },
    };
  } catch (error) {
    await nc.close();
    // "stream not found" alone does not say which: audience-sync creates it when it starts.
    throw new Error(`cannot follow ${stream}: ${(error as Error).message}`, { cause: error });
  }
}

/** Creating an existing durable with the same settings is a no-op, so restarts resume it. */
async function createDurable(nc: NatsConnection, stream: string, filter: string, durable: string) {
  const jsm = await nc.jetstreamManager();
  await jsm.consumers.add(stream, {
    durable_name: durable,
    filter_subject: filter,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
  });
}

function receiver(options: FollowOptions) {
  const filter = audienceFilter();
  return async (subject: string, bytes: Uint8Array): Promise<Outcome> => {
    const event = parseAudienceEvent(bytes);
    if (!event) {
      options.onInvalid?.(subject);
      return 'invalid';
    }
    const dropped = filter.verdict(event);
    if (dropped) {
      options.onDrop?.(event, dropped);
      return dropped;
    }
    await options.onEvent(event);
    filter.remember(event);
    return 'handled';
  };
}

async function settle(message: JsMsg, receive: ReturnType<typeof receiver>) {
  try {
    await receive(message.subject, message.data);
    message.ack();
  } catch (error) {
    console.error(`handling ${message.subject} #${message.seq} failed, retrying: ${error}`);
    message.nak(RETRY_DELAY_MS);
  }
}
