import { type ApiKeyResolver, staticApiKeys } from '@prism/grpc';
import type { Logger } from '@prism/log';
import { type ConsumerMessages, DeliverPolicy, type JsMsg } from 'nats';
import { CaughtUp } from './caught-up.js';
import {
  type AnnouncedKey,
  decodeKeySet,
  ensureKeyStream,
  isLive,
  type KeyBus,
  keyDigest,
  keyStreamName,
  keySubjectOf,
  type SpaceKeySet,
} from './key-set.js';

export interface FollowOptions {
  bus: KeyBus;
  /** `PRISM_API_KEYS`, as key → space id: spaces that live in configuration only. */
  staticKeys: ReadonlyMap<string, string>;
  logger: Logger;
  clock?: () => Date;
  /** How long the start waits for the sets announced so far (default 10 s). */
  startTimeoutMs?: number;
}

/** Every space's announced API keys, kept current, for a service's gRPC authentication. */
export interface FollowedSpaceKeys {
  /** Announced `api` keys that are live, then `PRISM_API_KEYS`. */
  apiKeys: ApiKeyResolver;
  stop(): Promise<void>;
}

interface IndexedKey extends AnnouncedKey {
  spaceId: string;
}

/** How long a call with an unknown key waits for sets that were announced before it arrived. */
const UNKNOWN_KEY_WAIT_MS = 1000;

/**
 * Follows the key sets the profile service announces: the last set of every space first, then
 * each new one as it is stored. Returns once the sets stored at the start are applied.
 */
export async function followSpaceKeys(options: FollowOptions): Promise<FollowedSpaceKeys> {
  const { bus, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const stream = keyStreamName(bus.prefix);
  await ensureKeyStream(bus.jsm, bus.prefix);

  const sets = new Map<string, SpaceKeySet>();
  let byDigest = new Map<string, IndexedKey>();
  const applied = new CaughtUp(async () => (await bus.jsm.streams.info(stream)).state);

  function apply(message: JsMsg): void {
    try {
      const keySet = decodeKeySet(message.data);
      // A set never replaces a newer one, should an older one ever be stored after it.
      if ((sets.get(keySet.spaceId)?.version ?? 0) <= keySet.version) {
        sets.set(keySet.spaceId, keySet);
        byDigest = indexOf(sets);
      }
    } catch (error) {
      logger.warn({ err: error, subject: message.subject }, 'ignored an invalid space key set');
    }
    applied.reached(message.seq);
  }

  const consumer = await bus.js.consumers.get(stream, {
    filterSubjects: keySubjectOf(bus.prefix, '*'),
    deliver_policy: DeliverPolicy.LastPerSubject,
  });
  const messages: ConsumerMessages = await consumer.consume();
  const following = (async () => {
    for await (const message of messages) apply(message);
  })();
  try {
    await applied.wait(options.startTimeoutMs ?? 10_000, 'the announced space keys');
  } catch (error) {
    messages.stop();
    throw error;
  }

  const spaceOfAnnounced = (key: string): string | undefined => {
    const found = byDigest.get(keyDigest(key));
    return found && found.kind === 'api' && isLive(found, clock()) ? found.spaceId : undefined;
  };
  const configured = staticApiKeys(options.staticKeys);
  return {
    apiKeys: {
      async spaceOf(key) {
        const space = spaceOfAnnounced(key) ?? (await configured.spaceOf(key));
        if (space !== undefined) return space;
        // A key issued a moment ago may still be on its way: wait for what is stored by now.
        await applied.wait(UNKNOWN_KEY_WAIT_MS).catch(() => {});
        return spaceOfAnnounced(key);
      },
    },
    async stop() {
      await messages.close();
      await following;
    },
  };
}

/**
 * Digest → key. Digests are unique (SHA-256 of random secrets), so a lookup in a map needs no
 * constant-time compare: timing could only reveal something about the digest of the string sent.
 */
function indexOf(sets: ReadonlyMap<string, SpaceKeySet>): Map<string, IndexedKey> {
  const index = new Map<string, IndexedKey>();
  for (const { spaceId, keys } of sets.values()) {
    for (const key of keys) index.set(key.digest, { ...key, spaceId });
  }
  return index;
}
