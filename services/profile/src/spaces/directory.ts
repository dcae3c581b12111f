import { InvalidArgument } from '@prism/errors';
import { type ApiKeyResolver, staticApiKeys } from '@prism/grpc';
import type { Logger } from '@prism/log';
import type { KeySetAnnouncer } from '@prism/space-keys';
import { DEFAULT_IDENTITY_RULES, type IdentityRules, parseIdentityRules } from '../domain/identity/rules.js';
import { KeyAnnouncements } from './key-announcements.js';
import {
  digestOf,
  isLive,
  type KeyKind,
  OPERATOR_SPACE,
  rulesInputOf,
  type SpaceDocument,
  type StoredKey,
} from './space.js';
import type { SpaceStore } from './store.js';

/** Finds the space a write key (HTTP Tracking API) belongs to; `undefined` for any other key. */
export interface WriteKeyResolver {
  spaceOf(key: string): Promise<string | undefined>;
}

export interface SpaceDirectoryOptions {
  logger: Logger;
  /** How often to reload every space, to learn other instances' changes (default 5000). */
  refreshMs?: number;
  /** `PRISM_API_KEYS`, as key → space id: API keys of spaces that live in configuration only. */
  staticKeys?: ReadonlyMap<string, string>;
  /** `PRISM_ADMIN_KEY`: resolves to `OPERATOR_SPACE`. */
  adminKey?: string;
  /** Where every space's keys are announced to the other services (`@prism/space-keys`). */
  announcer?: KeySetAnnouncer;
  clock?: () => Date;
}

interface KnownKey extends Pick<StoredKey, 'kind' | 'revokeAt'> {
  spaceId: string;
}

interface Known {
  space: SpaceDocument;
  rules: IdentityRules;
}

/**
 * Every space in memory, so authenticating a call or an event costs a hash and a map lookup rather
 * than a database read. Reloaded every `refreshMs` to pick up other instances' writes; its own writes
 * apply at once, so a key issued here works on the next request.
 */
export class SpaceDirectory {
  readonly apiKeys: ApiKeyResolver;
  readonly writeKeys: WriteKeyResolver;

  private readonly logger: Logger;
  private readonly refreshMs: number;
  private readonly clock: () => Date;
  private readonly staticSpaces: ReadonlySet<string>;
  private readonly announcements?: KeyAnnouncements;
  private spaces = new Map<string, Known>();
  /** By hex SHA-256 of the secret. */
  private keys = new Map<string, KnownKey>();
  /** Which local write last touched each space, numbered, so a reload that began earlier cannot undo it. */
  private writes = 0;
  private readonly lastWrite = new Map<string, number>();
  /** Reloads run one after another, so an older snapshot never lands after a newer one. */
  private reloading: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: SpaceStore,
    options: SpaceDirectoryOptions,
  ) {
    this.logger = options.logger;
    this.refreshMs = options.refreshMs ?? 5000;
    this.clock = options.clock ?? (() => new Date());
    const staticKeys = new Map(options.staticKeys);
    this.staticSpaces = new Set(staticKeys.values());
    if (options.adminKey) {
      // Otherwise that space's key would silently administer every space.
      if (staticKeys.has(options.adminKey))
        throw new Error('PRISM_ADMIN_KEY must differ from every PRISM_API_KEYS key');
      staticKeys.set(options.adminKey, OPERATOR_SPACE);
    }
    if (options.announcer) this.announcements = new KeyAnnouncements(options.announcer, this.logger);
    const configured = staticApiKeys(staticKeys);
    this.apiKeys = {
      spaceOf: async (key) => this.spaceOfKey(key, 'api') ?? configured.spaceOf(key),
    };
    this.writeKeys = { spaceOf: async (key) => this.spaceOfKey(key, 'write') };
  }

  /** Loads every space, then keeps reloading until `stop()`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((error) => this.logger.warn({ err: error }, 'reloading spaces failed'));
    }, this.refreshMs);
    // Reloading is housekeeping: it must not keep a stopping process alive.
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reloads every space now. */
  refresh(): Promise<void> {
    this.reloading = this.reloading.catch(() => {}).then(() => this.reload());
    return this.reloading;
  }

  /** A space with stored settings or one named by `PRISM_API_KEYS`. */
  has(spaceId: string): boolean {
    return this.spaces.has(spaceId) || this.staticSpaces.has(spaceId);
  }

  /** The space's identity rules; the defaults for a space without stored settings (configured ones). */
  rulesOf(spaceId: string): IdentityRules {
    return this.spaces.get(spaceId)?.rules ?? DEFAULT_IDENTITY_RULES;
  }

  /** Stores a new space, serves its keys at once and announces them to the other services. */
  async create(space: SpaceDocument): Promise<SpaceDocument> {
    await this.store.insert(space);
    this.remember(space);
    await this.announcements?.announce(space);
    return space;
  }

  /** Stores the next version of a space (see `SpaceStore.replace`), serves and announces it. */
  async save(space: SpaceDocument): Promise<SpaceDocument> {
    const saved = await this.store.replace(space);
    this.remember(saved);
    await this.announcements?.announce(saved);
    return saved;
  }

  private async reload(): Promise<void> {
    const since = this.writes;
    const loaded = new Map((await this.store.all()).map((space) => [space._id, space]));
    // A local write that landed while loading may be missing from what was read, or older there.
    for (const [spaceId, write] of this.lastWrite) {
      const mine = this.spaces.get(spaceId)?.space;
      if (mine && write > since && (loaded.get(spaceId)?.version ?? 0) < mine.version)
        loaded.set(spaceId, mine);
    }
    this.spaces = new Map([...loaded].map(([spaceId, space]) => [spaceId, this.known(space)]));
    this.indexKeys();
    await this.announcements?.announceUnseen(loaded.values());
  }

  private remember(space: SpaceDocument): void {
    this.lastWrite.set(space._id, ++this.writes);
    this.spaces.set(space._id, this.known(space));
    this.indexKeys();
  }

  private known(space: SpaceDocument): Known {
    const cached = this.spaces.get(space._id);
    // Parsing compiles the blocked-value regexes: do it once per version, not on every reload.
    if (cached?.space.version === space.version) return cached;
    try {
      return { space, rules: parseIdentityRules(rulesInputOf(space.identityRules)) };
    } catch (error) {
      if (!(error instanceof InvalidArgument)) throw error;
      // Rules stored under an older, looser schema: one space on defaults beats every space unloaded.
      this.logger.error(
        { err: error, spaceId: space._id },
        'stored identity rules are invalid; using defaults',
      );
      return { space, rules: DEFAULT_IDENTITY_RULES };
    }
  }

  private indexKeys(): void {
    const keys = new Map<string, KnownKey>();
    for (const { space } of this.spaces.values()) {
      for (const { digest, kind, revokeAt } of space.keys)
        keys.set(digest, { spaceId: space._id, kind, revokeAt });
    }
    this.keys = keys;
  }

  /**
   * Looking a digest up in a map needs no constant-time compare: timing can at most reveal something
   * about the SHA-256 of the presented string, and learning a digest's prefix does not help anyone
   * find a secret with that digest (a 192-bit random value).
   */
  private spaceOfKey(secret: string, kind: KeyKind): string | undefined {
    const key = this.keys.get(digestOf(secret));
    return key && key.kind === kind && isLive(key, this.clock()) ? key.spaceId : undefined;
  }
}
