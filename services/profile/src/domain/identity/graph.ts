import {
  distinctIdentifiers,
  type Identifier,
  identifierKey,
  type KnownIdentifiers,
  normalizeIdentifier,
} from './identifier.js';
import type { IdentityRules } from './rules.js';

/** A profile as the store keeps it. */
export interface ProfileRecord {
  id: string;
  identifiers: Identifier[];
  /** Profiles absorbed, counting theirs: absorbing one that had absorbed 2 adds 3. */
  mergeCount: number;
  /** Creation order (epoch ms); the oldest profile survives a merge, ties broken by id. */
  createdAt: number;
}

/** What one message's identifiers did to the graph. `profileId` is the profile the message belongs to. */
export type ResolutionOutcome =
  | { kind: 'created'; profileId: string; identifiers: Identifier[] }
  | { kind: 'attached'; profileId: string; added: Identifier[] }
  /** `profileId` survived; `merged` (oldest first) are gone, their identifiers now on the survivor. */
  | { kind: 'merged'; profileId: string; merged: string[]; added: Identifier[] }
  | { kind: 'unchanged'; profileId: string }
  /** No usable identifier (all blocked, or none at all): the message belongs to no profile. */
  | { kind: 'unidentified' };

export type Resolution = ResolutionOutcome & {
  /** Matched a blocked value: ignored. */
  blocked: Identifier[];
  /** Left out (neither matched nor added) because linking them would break a limit or the merge cap. */
  demoted: Identifier[];
};

export interface IdentifierClaim {
  identifier: Identifier;
  profileId: string;
}

/** Everything a store must write to catch up with the graph since it was loaded. */
export interface GraphChanges {
  created: ProfileRecord[];
  updated: ProfileRecord[];
  /** Loaded profiles merged away, with the profile that holds their identifiers now. */
  removed: { profileId: string; mergedInto: string }[];
  /** Identifiers that are new or moved to another profile; identifiers never leave the graph. */
  claims: IdentifierClaim[];
}

export interface IdentityGraphOptions {
  newProfileId: () => string;
  now?: () => number;
}

interface Plan {
  /** Oldest first: the first one survives. */
  matched: ProfileRecord[];
  added: Identifier[];
}

/**
 * A slice of a space's identity graph: load the profiles a batch of messages can touch, `resolve` the
 * messages in order, then persist `changes()`. Segment's flat matching: a message's identifiers link
 * every profile holding one of them; no match creates a profile, one match attaches the new identifiers,
 * several merge into the oldest.
 */
export class IdentityGraph implements KnownIdentifiers {
  private readonly profilesById = new Map<string, ProfileRecord>();
  /** identifierKey → profile id */
  private readonly owners = new Map<string, string>();
  private readonly loadedOwners: ReadonlyMap<string, string>;
  private readonly loadedIds: ReadonlySet<string>;
  /** Live profiles created or changed since load. */
  private readonly changed = new Set<string>();
  private readonly mergedInto = new Map<string, string>();
  private readonly newProfileId: () => string;
  private readonly now: () => number;
  private lastCreatedAt = Number.NEGATIVE_INFINITY;

  /** @throws Error when `loaded` gives a profile or an identifier twice (a corrupt store). */
  constructor(options: IdentityGraphOptions, loaded: readonly ProfileRecord[] = []) {
    this.newProfileId = options.newProfileId;
    this.now = options.now ?? Date.now;
    for (const record of loaded) {
      if (this.profilesById.has(record.id)) throw new Error(`profile ${record.id} is loaded twice`);
      this.profilesById.set(record.id, copy(record));
      for (const identifier of record.identifiers) {
        const key = identifierKey(identifier);
        const owner = this.owners.get(key);
        if (owner !== undefined) throw new Error(`${key} is loaded on profiles ${owner} and ${record.id}`);
        this.owners.set(key, record.id);
      }
      this.lastCreatedAt = Math.max(this.lastCreatedAt, record.createdAt);
    }
    this.loadedOwners = new Map(this.owners);
    this.loadedIds = new Set(this.profilesById.keys());
  }

  profileOf(identifier: Identifier): string | undefined {
    return this.owners.get(identifierKey(identifier));
  }

  profile(profileId: string): ProfileRecord | undefined {
    const profile = this.profilesById.get(profileId);
    return profile && copy(profile);
  }

  profiles(): ProfileRecord[] {
    return [...this.profilesById.values()].map(copy);
  }

  /** The live profile that now holds a profile's identifiers: the id itself unless it was merged away. */
  survivorOf(profileId: string): string {
    let current = profileId;
    for (let next = this.mergedInto.get(current); next !== undefined; next = this.mergedInto.get(current)) {
      current = next;
    }
    return current;
  }

  /**
   * Applies one message's identifiers (normalised again here, so raw ones are fine). Blocked values are
   * ignored. When linking the rest would give a profile more identifiers of a type than its limit, or
   * more merges than the cap, the lowest-priority identifier is demoted and the rest are tried again
   * (Segment's rule); if what remains matches nothing, it makes a new profile.
   */
  resolve(identifiers: readonly Identifier[], rules: IdentityRules): Resolution {
    const usable = distinctIdentifiers(
      identifiers.flatMap(({ type, value }) => normalizeIdentifier(type, value) ?? []),
    );
    const blocked = usable.filter((identifier) => rules.isBlocked(identifier));
    // A stable sort: identifiers of equal priority keep message order, so the later ones go first.
    const ranked = usable
      .filter((identifier) => !rules.isBlocked(identifier))
      .sort((a, b) => rules.rankOf(a.type) - rules.rankOf(b.type));
    for (let kept = ranked.length; kept > 0; kept--) {
      const plan = this.plan(ranked.slice(0, kept), rules);
      if (plan) return { ...this.apply(plan), blocked, demoted: ranked.slice(kept).reverse() };
    }
    // Only reached with nothing usable: a single identifier always fits (it is new, or already there).
    return { kind: 'unidentified', blocked, demoted: ranked.reverse() };
  }

  changes(): GraphChanges {
    const touched = [...this.changed].flatMap((id) => this.profilesById.get(id) ?? []);
    return {
      created: touched.filter(({ id }) => !this.loadedIds.has(id)).map(copy),
      updated: touched.filter(({ id }) => this.loadedIds.has(id)).map(copy),
      removed: [...this.loadedIds]
        .filter((id) => !this.profilesById.has(id))
        .map((profileId) => ({ profileId, mergedInto: this.survivorOf(profileId) })),
      claims: touched.flatMap((profile) =>
        profile.identifiers
          .filter((identifier) => this.loadedOwners.get(identifierKey(identifier)) !== profile.id)
          .map((identifier) => ({ identifier, profileId: profile.id })),
      ),
    };
  }

  private plan(candidates: Identifier[], rules: IdentityRules): Plan | undefined {
    const matchedIds = new Set(candidates.flatMap((identifier) => this.profileOf(identifier) ?? []));
    const matched = [...matchedIds].flatMap((id) => this.profilesById.get(id) ?? []).sort(olderFirst);
    const added = candidates.filter((identifier) => this.profileOf(identifier) === undefined);
    const cap = rules.settings.maxMergesPerProfile;
    const merges = matched.reduce((sum, profile) => sum + profile.mergeCount + 1, -1);
    if (matched.length > 1 && cap > 0 && merges > cap) return undefined;
    return exceedsLimits(matched, added, rules) ? undefined : { matched, added };
  }

  private apply({ matched, added }: Plan): ResolutionOutcome {
    const [survivor, ...absorbed] = matched;
    if (!survivor) {
      const profile: ProfileRecord = {
        id: this.newProfileId(),
        identifiers: [],
        mergeCount: 0,
        createdAt: this.nextCreatedAt(),
      };
      this.profilesById.set(profile.id, profile);
      this.attach(profile, added);
      return { kind: 'created', profileId: profile.id, identifiers: added };
    }
    for (const profile of absorbed) {
      this.attach(survivor, profile.identifiers);
      survivor.mergeCount += profile.mergeCount + 1;
      this.changed.add(survivor.id);
      this.profilesById.delete(profile.id);
      this.changed.delete(profile.id);
      this.mergedInto.set(profile.id, survivor.id);
    }
    this.attach(survivor, added);
    if (absorbed.length > 0) {
      return { kind: 'merged', profileId: survivor.id, merged: absorbed.map(({ id }) => id), added };
    }
    return added.length > 0
      ? { kind: 'attached', profileId: survivor.id, added }
      : { kind: 'unchanged', profileId: survivor.id };
  }

  private attach(profile: ProfileRecord, identifiers: readonly Identifier[]): void {
    for (const identifier of identifiers) {
      profile.identifiers.push(identifier);
      this.owners.set(identifierKey(identifier), profile.id);
      this.changed.add(profile.id);
    }
  }

  /** Strictly increasing, so profiles made in the same millisecond still keep their creation order. */
  private nextCreatedAt(): number {
    this.lastCreatedAt = Math.max(this.now(), this.lastCreatedAt + 1);
    return this.lastCreatedAt;
  }
}

/**
 * Whether the plan would grow a type beyond its limit. A profile already over a limit (the rules were
 * tightened after it was built) is left as it is, but may not grow further in that type.
 */
function exceedsLimits(
  matched: readonly ProfileRecord[],
  added: readonly Identifier[],
  rules: IdentityRules,
) {
  const after = countByType(added);
  const mostOnOne = new Map<string, number>();
  for (const profile of matched) {
    for (const [type, count] of countByType(profile.identifiers)) {
      after.set(type, (after.get(type) ?? 0) + count);
      mostOnOne.set(type, Math.max(mostOnOne.get(type) ?? 0, count));
    }
  }
  return [...after].some(([type, count]) => {
    const limit = rules.limitOf(type);
    return limit > 0 && count > limit && count > (mostOnOne.get(type) ?? 0);
  });
}

function countByType(identifiers: readonly Identifier[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { type } of identifiers) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

function olderFirst(a: ProfileRecord, b: ProfileRecord): number {
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function copy(record: ProfileRecord): ProfileRecord {
  return { ...record, identifiers: record.identifiers.map((identifier) => ({ ...identifier })) };
}
