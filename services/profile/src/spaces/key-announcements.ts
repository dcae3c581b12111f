import type { Logger } from '@prism/log';
import type { KeySetAnnouncer, SpaceKeySet } from '@prism/space-keys';
import type { SpaceDocument } from './space.js';

/** How long a space counts as announced before a reload looks at the stream again (lost data). */
const RECHECK_MS = 60_000;

/**
 * Tells every service each space's keys: after each write of a space (stored first, announced
 * after) and, for what such an announcement missed (a crash in between, another instance's
 * write, a stream that lost its data), after reloads. Announcing is idempotent: a set already
 * there costs one look at the stream.
 */
export class KeyAnnouncements {
  /** The version of each space this instance last saw announced, and when. */
  private readonly announced = new Map<string, { version: number; at: number }>();

  constructor(
    private readonly announcer: KeySetAnnouncer,
    private readonly logger: Logger,
  ) {}

  /** Never throws: what fails now, a later reload announces. */
  async announce(space: SpaceDocument): Promise<void> {
    try {
      await this.announcer.announce(keySetOf(space));
      const version = Math.max(space.version, this.announced.get(space._id)?.version ?? 0);
      this.announced.set(space._id, { version, at: Date.now() });
    } catch (error) {
      this.logger.warn(
        { err: error, spaceId: space._id },
        'announcing the space keys failed; a later reload retries',
      );
    }
  }

  /** Those of `spaces` this instance has not seen announced at their version lately. */
  async announceUnseen(spaces: Iterable<SpaceDocument>): Promise<void> {
    const now = Date.now();
    const unseen = [...spaces].filter((space) => {
      const seen = this.announced.get(space._id);
      return !seen || seen.version < space.version || now - seen.at > RECHECK_MS;
    });
    await Promise.all(unseen.map((space) => this.announce(space)));
  }
}

/** What other services need of a space's keys: digests, kind and end, never a secret or a hint. */
export function keySetOf(space: SpaceDocument): SpaceKeySet {
  return {
    spaceId: space._id,
    version: space.version,
    keys: space.keys.map(({ digest, kind, revokeAt }) => ({ digest, kind, ...(revokeAt && { revokeAt }) })),
  };
}
