import { CoalescedReads } from '../directory/coalesced-reads.js';
import { ProfileCache } from '../directory/profile-cache.js';
import { ProfileDirectory } from '../directory/profile-directory.js';
import type { BatchPlan, SpaceView } from '../domain/batch.js';
import type { ComputedTraitDefinition } from '../domain/computed/index.js';
import { type Identifier, type IdentityRules, identifierKey } from '../domain/identity/index.js';
import type { ProfileState } from '../domain/profile-state.js';
import { fromProfileDocument, type ProfileDocument, profileVersionId } from '../store/documents.js';
import type { ProfileStore } from '../store/profile-store.js';

export interface SpaceSettings {
  rules: () => IdentityRules;
  definitions: ComputedTraitDefinition[];
  suppressed: Identifier[];
  historyRetentionDays: number;
  /** Profiles kept in memory at most (least recently used go first). */
  cacheSize: number;
}

/** How long a profile read waits for others to share its query (see CoalescedReads). */
const READ_LINGER_MS = 2;

/**
 * A space as its one writer sees it: the directory (every profile's id, version and hashed
 * identifiers; built by a scan in the background) and a cache of recently used profiles. Profiles
 * themselves are read from MongoDB (the system of record) by `_id` when a batch or a call needs
 * them, so memory is bounded by the cache, not by the space.
 */
export class SpaceState {
  readonly directory = new ProfileDirectory();
  private readonly cache: ProfileCache;
  private readonly suppressed: Set<string>;
  /** Set by a failed write: the next batch checks its identifiers against the stored claims. */
  private stale = false;
  /** Profile versions by `_id`: concurrent calls share a query. */
  private readonly reads: CoalescedReads<string, ProfileDocument>;

  constructor(
    readonly spaceId: string,
    private readonly store: ProfileStore,
    private readonly settings: SpaceSettings,
  ) {
    this.cache = new ProfileCache(settings.cacheSize);
    this.reads = new CoalescedReads((ids) => store.profilesById(spaceId, ids), { lingerMs: READ_LINGER_MS });
    this.suppressed = new Set(settings.suppressed.map(identifierKey));
  }

  /** Builds the directory from the stored versions; resolves when it knows every profile. */
  async load(): Promise<void> {
    await this.store.scanSpace(this.spaceId, (version) => this.directory.record(version));
  }

  get rules(): IdentityRules {
    return this.settings.rules();
  }

  get definitions(): ComputedTraitDefinition[] {
    return this.settings.definitions;
  }

  set definitions(definitions: ComputedTraitDefinition[]) {
    this.settings.definitions = definitions;
  }

  get size(): number {
    return this.directory.size;
  }

  /** The live profile the directory names for the identifier (a hash match: see viewFor). */
  profileOf(identifier: Identifier): string | undefined {
    const candidate = this.directory.candidateOf(identifier);
    if (candidate === undefined) return undefined;
    const survivor = this.directory.survivorOf(candidate);
    return this.directory.versionOf(survivor) === undefined ? undefined : survivor;
  }

  /** The cached copy of a live profile, following merges (read only); undefined when not cached. */
  current(profileId: string): ProfileState | undefined {
    return this.cache.get(this.directory.survivorOf(profileId));
  }

  /** A live profile, following merges: from the cache, else its newest stored version. */
  async fetch(profileId: string): Promise<ProfileState | undefined> {
    const id = this.directory.survivorOf(profileId);
    const [profile] = await this.fetchAll([id]);
    if (profile) return profile;
    // Found merged away just now: its survivor holds it.
    const survivor = this.directory.survivorOf(profileId);
    return survivor === id ? undefined : this.fetch(survivor);
  }

  /** The live profile that holds the identifier, confirmed against its stored identifiers. */
  async lookup(identifier: Identifier): Promise<ProfileState | undefined> {
    const key = identifierKey(identifier);
    const candidate = this.profileOf(identifier);
    const profile = candidate === undefined ? undefined : await this.fetch(candidate);
    if (profile?.identifiers.some((held) => identifierKey(held) === key)) return profile;
    // A hash collision, or a claim another writer made: the stored claim decides.
    const owner = (await this.store.claimsOf(this.spaceId, [identifier])).get(key);
    return owner === undefined ? undefined : this.fetch(owner);
  }

  isSuppressed(identifier: Identifier): boolean {
    return this.suppressed.has(identifierKey(identifier));
  }

  suppress(identifier: Identifier): void {
    this.suppressed.add(identifierKey(identifier));
  }

  /**
   * What a batch carrying these identifiers resolves against: the live profiles holding them,
   * read into memory, each owner confirmed by its stored identifiers (or, after a failed write or
   * for a hash collision, by the stored claims).
   */
  async viewFor(identifiers: readonly Identifier[]): Promise<SpaceView> {
    const keys = new Map(identifiers.map((identifier) => [identifierKey(identifier), identifier]));
    const owners = new Map<string, string>();
    for (const [key, identifier] of keys) {
      const owner = this.profileOf(identifier);
      if (owner !== undefined) owners.set(key, owner);
    }
    if (this.stale)
      for (const [key, owner] of await this.store.claimsOf(this.spaceId, [...keys.values()]))
        owners.set(key, owner);
    const loaded = new Map<string, ProfileState>();
    const load = async (ids: Iterable<string>) => {
      for (const profile of await this.fetchAll([...new Set(ids)].filter((id) => !loaded.has(id))))
        loaded.set(profile.id, profile);
    };
    await load(owners.values());
    const held = (key: string, id: string) =>
      loaded.get(id)?.identifiers.some((identifier) => identifierKey(identifier) === key) === true;
    const unconfirmed = [...owners].filter(([key, id]) => !held(key, id)).map(([key]) => key);
    if (unconfirmed.length > 0) {
      const claimed = await this.store.claimsOf(
        this.spaceId,
        unconfirmed.map((key) => keys.get(key) as Identifier),
      );
      for (const key of unconfirmed) owners.delete(key);
      await load(claimed.values());
      for (const [key, id] of claimed) if (held(key, id)) owners.set(key, id);
    }
    this.stale = false;
    return {
      spaceId: this.spaceId,
      profileOf: (identifier) => owners.get(identifierKey(identifier)),
      profile: (id) => {
        const profile = loaded.get(id);
        return profile && structuredClone(profile);
      },
      rules: this.rules,
      definitions: this.definitions,
      isSuppressed: (identifier) => this.isSuppressed(identifier),
      historyRetentionDays: this.settings.historyRetentionDays,
    };
  }

  /**
   * Every profile live when the call was made, read by `_id` a page at a time (exports, searches,
   * rewrites); each is met once, even when a rewrite writes it meanwhile.
   */
  async *liveProfiles(page = 500): AsyncGenerator<ProfileState[]> {
    let ids: string[] = [];
    for (const { profileId } of this.directory.live()) {
      ids.push(profileId);
      if (ids.length < page) continue;
      yield await this.fetchAll(ids);
      ids = [];
    }
    if (ids.length > 0) yield await this.fetchAll(ids);
  }

  /** Makes a written plan the state. */
  commit(plan: BatchPlan): void {
    for (const { profileId, mergedInto, expectedVersion } of plan.mergedAway) {
      this.cache.delete(profileId);
      const version = expectedVersion + 1;
      this.directory.record({ profileId, version, state: 'merged', mergedInto, identifiers: [] });
    }
    for (const profile of plan.inserted) this.put(profile);
    for (const { profile } of plan.replaced) this.put(profile);
  }

  /** Records one profile written outside a batch (sweep, backfill). */
  put(profile: ProfileState): void {
    this.directory.record({ ...profile, profileId: profile.id, state: 'live' });
    this.cache.set(profile);
  }

  remove(profile: ProfileState): void {
    this.cache.delete(profile.id);
    this.directory.record({
      profileId: profile.id,
      version: profile.version + 1,
      state: 'deleted',
      identifiers: [],
    });
    this.directory.forget(profile.identifiers);
  }

  /** After a failed write: what is cached may be ahead of the store or behind another writer. */
  invalidate(): void {
    this.cache.clear();
    this.stale = true;
  }

  /** Cached profiles, then their known versions by `_id`, then the newest stored (moved on). */
  private async fetchAll(ids: string[]): Promise<ProfileState[]> {
    const found: ProfileState[] = [];
    const missing: { profileId: string; version: number }[] = [];
    for (const id of ids) {
      const cached = this.cache.get(id);
      if (cached && cached.version === this.directory.versionOf(id)) found.push(cached);
      else missing.push({ profileId: id, version: this.directory.versionOf(id) ?? 1 });
    }
    const docs = await Promise.all(
      missing.map(({ profileId, version }) => this.reads.read(profileVersionId(profileId, version))),
    );
    for (const [index, { profileId, version }] of missing.entries()) {
      const doc = docs[index] ?? (await this.store.newestFrom(this.spaceId, profileId, version));
      if (!doc) continue;
      if (doc.state === 'live') found.push(this.remember(doc));
      else this.directory.record({ ...doc, identifiers: [] });
    }
    return found;
  }

  private remember(doc: ProfileDocument): ProfileState {
    const profile = fromProfileDocument(doc);
    this.put(profile);
    return profile;
  }
}
