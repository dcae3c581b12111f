import { NatsError } from 'nats';
import {
  decodeKeySet,
  encodeKeySet,
  ensureKeyStream,
  type KeyBus,
  keyStreamName,
  keySubjectOf,
  type SpaceKeySet,
} from './key-set.js';

// JetStream API error codes (server errors.json).
const NO_MESSAGE_FOUND = 10037;
const WRONG_LAST_SEQUENCE = 10071;

/** Racing announcers each get this many compare-and-set tries before giving up. */
const ATTEMPTS = 5;

export interface KeySetAnnouncer {
  /**
   * Makes `keySet` the space's announced set unless a set of the same or a newer version is
   * already there. A compare-and-set on the subject's last sequence, so an instance that read
   * the space before another one changed it can never put an older set back.
   */
  announce(keySet: SpaceKeySet): Promise<void>;
}

export function keySetAnnouncer(bus: KeyBus): KeySetAnnouncer {
  const { js, jsm, prefix } = bus;
  const stream = keyStreamName(prefix);
  let ready: Promise<void> | undefined;

  async function lastAnnounced(subject: string): Promise<{ seq: number; version: number } | undefined> {
    try {
      const stored = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      return { seq: stored.seq, version: versionOf(stored.data) };
    } catch (error) {
      if (apiErrorCode(error) === NO_MESSAGE_FOUND) return undefined;
      throw error;
    }
  }

  return {
    async announce(keySet) {
      ready ??= ensureKeyStream(jsm, prefix).catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const subject = keySubjectOf(prefix, keySet.spaceId);
      for (let attempt = 1; ; attempt++) {
        const last = await lastAnnounced(subject);
        if (last && last.version >= keySet.version) return;
        try {
          // 0 expects no set at all yet.
          await js.publish(subject, encodeKeySet(keySet), {
            expect: { lastSubjectSequence: last?.seq ?? 0 },
          });
          return;
        } catch (error) {
          if (apiErrorCode(error) !== WRONG_LAST_SEQUENCE || attempt === ATTEMPTS) throw error;
        }
      }
    },
  };
}

/** A stored set that does not parse counts as version 0: any valid set may replace it. */
function versionOf(data: Uint8Array): number {
  try {
    return decodeKeySet(data).version;
  } catch {
    return 0;
  }
}

function apiErrorCode(error: unknown): number | undefined {
  return error instanceof NatsError ? error.api_error?.err_code : undefined;
}
