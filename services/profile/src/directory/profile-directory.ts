import { type Identifier, identifierKey } from '../domain/identity/index.js';
import { HashIndex } from './hash-index.js';

/** What the directory keeps of a stored profile version. */
export interface DirectoryEntry {
  profileId: string;
  version: number;
  state: 'live' | 'merged' | 'deleted';
  mergedInto?: string;
  identifiers: readonly Identifier[];
}

/** Profile ids are keyed apart from identifiers (`type:value` never starts with `#`). */
const idKey = (profileId: string) => `#${profileId}`;

/**
 * What stays resident of a space, per profile: its id, its current version (the `_id` of its
 * document is `<id>#<version>`) and hashed keys of its identifiers. About 200 bytes a profile,
 * where a whole profile in memory took about 12 KB. Everything else is read from the store on
 * demand (ProfileCache keeps the recently used ones).
 *
 * Identifier lookups answer a candidate: a 64-bit hash can collide, so the caller confirms that
 * the candidate's stored identifiers hold the identifier (see SpaceState.viewFor).
 */
export class ProfileDirectory {
  private readonly ids: string[] = [];
  /** By profile number: the version held, negative when that version is a merge or deletion. */
  private versions = new Int32Array(1024);
  private readonly index = new HashIndex();
  /** Profile ids whose hash another profile id took first: never seen, kept for correctness. */
  private readonly collided = new Map<string, number>();
  private readonly mergedInto = new Map<string, string>();
  private liveCount = 0;

  get size(): number {
    return this.liveCount;
  }

  /** The profile holding the identifier, or one whose identifier shares its hash. */
  candidateOf(identifier: Identifier): string | undefined {
    const number = this.index.get(identifierKey(identifier));
    return number === undefined ? undefined : this.ids[number];
  }

  versionOf(profileId: string): number | undefined {
    const number = this.numberOf(profileId);
    const version = number === undefined ? 0 : (this.versions[number] as number);
    return version > 0 ? version : undefined;
  }

  /** The live profile that holds a profile's identifiers now: itself unless merged away. */
  survivorOf(profileId: string): string {
    let id = profileId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return id;
  }

  /** Records a stored version; an older one than held is ignored (a scan may meet both). */
  record(entry: DirectoryEntry): void {
    const number = this.numberFor(entry.profileId);
    const held = this.versions[number] as number;
    if (Math.abs(held) >= entry.version) return;
    if (held > 0) this.liveCount--;
    if (entry.state !== 'live') {
      this.versions[number] = -entry.version;
      if (entry.mergedInto) this.mergedInto.set(entry.profileId, entry.mergedInto);
      return;
    }
    this.liveCount++;
    this.versions[number] = entry.version;
    for (const identifier of entry.identifiers) this.index.set(identifierKey(identifier), number);
  }

  /** The live profiles and their versions, as of the call (profiles added later are not met). */
  *live(): Generator<{ profileId: string; version: number }> {
    const count = this.ids.length;
    for (let number = 0; number < count; number++) {
      const version = this.versions[number] as number;
      if (version > 0) yield { profileId: this.ids[number] as string, version };
    }
  }

  /** A deleted profile's identifiers are free again. */
  forget(identifiers: readonly Identifier[]): void {
    for (const identifier of identifiers) this.index.delete(identifierKey(identifier));
  }

  private numberOf(profileId: string): number | undefined {
    const number = this.index.get(idKey(profileId));
    if (number !== undefined && this.ids[number] === profileId) return number;
    return this.collided.get(profileId);
  }

  private numberFor(profileId: string): number {
    const known = this.numberOf(profileId);
    if (known !== undefined) return known;
    const number = this.ids.length;
    this.ids.push(profileId);
    if (number >= this.versions.length) {
      const grown = new Int32Array(this.versions.length * 2);
      grown.set(this.versions);
      this.versions = grown;
    }
    if (this.index.get(idKey(profileId)) === undefined) this.index.set(idKey(profileId), number);
    else this.collided.set(profileId, number);
    return number;
  }
}
