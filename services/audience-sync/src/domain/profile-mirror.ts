import { valueAtPath } from '@prism/rules';
import { ProfileIndex } from '../index/profile-index.js';

export interface Identifier {
  type: string;
  value: string;
}

/** What audiences are evaluated on: a profile's identifiers and traits (custom and computed). */
export interface ProfileView {
  id: string;
  identifiers: Identifier[];
  traits: Record<string, unknown>;
}

/** The profile.* events the mirror follows, as their payloads say them. */
export type ProfileChange =
  | { kind: 'profile.created'; profileId: string; identifiers: Identifier[] }
  | {
      kind: 'profile.traits_changed';
      profileId: string;
      traits: Record<string, unknown>;
      changedKeys: string[];
      version: number;
    }
  | { kind: 'profile.identified'; profileId: string; identifiers: Identifier[] }
  | { kind: 'profile.merged'; survivor: string; merged: string[] }
  | { kind: 'profile.deleted'; profileId: string };

interface MirroredProfile extends ProfileView {
  version: number;
}

export const identifierToken = (identifier: Identifier) => `${identifier.type}:${identifier.value}`;

/**
 * A space's profiles as the profile service's events describe them: the data audiences are
 * evaluated on. Applying is idempotent (versions for traits, tombstones for deletions and
 * merges), so replaying the stream at start and then consuming it again converge.
 */
export class ProfileMirror {
  private readonly profiles = new Map<string, MirroredProfile>();
  private readonly byIdentifier = new Map<string, string>();
  /** Deleted or merged-away ids: a replayed `created` must not bring them back. */
  private readonly gone = new Set<string>();
  /** Merged-away id → the profile it lives on as. */
  private readonly survivors = new Map<string, string>();
  /** The same profiles as columns, for evaluating rules over all of them at once. */
  readonly index = new ProfileIndex();

  get size(): number {
    return this.profiles.size;
  }

  get(profileId: string): ProfileView | undefined {
    return this.profiles.get(profileId);
  }

  all(): IterableIterator<ProfileView> {
    return this.profiles.values();
  }

  /** The profile a merged-away id now lives on as (following later merges too). */
  survivorOf(profileId: string): string | undefined {
    let current = this.survivors.get(profileId);
    for (let hops = 0; current && !this.profiles.has(current) && hops < 100; hops += 1)
      current = this.survivors.get(current);
    return current && this.profiles.has(current) ? current : undefined;
  }

  /** A profile id, or the profile holding an identifier written `type:value`. */
  resolve(reference: string): string | undefined {
    if (this.profiles.has(reference)) return reference;
    return this.byIdentifier.get(reference);
  }

  /** Whether any profile has a value at the trait path (rules may name data still to arrive). */
  hasTrait(path: string): boolean {
    for (const profile of this.profiles.values())
      if (valueAtPath(profile.traits, path) !== undefined) return true;
    return false;
  }

  /**
   * Applies one change; answers the profiles it names, whose membership must be evaluated again
   * (also when it was applied before: membership is decided from state, so that publishes nothing twice).
   */
  apply(change: ProfileChange): string[] {
    const named = this.applyToProfiles(change);
    for (const id of named) {
      const profile = this.profiles.get(id);
      if (profile) this.index.upsert(id, profile.traits);
      else this.index.remove(id);
    }
    return named;
  }

  private applyToProfiles(change: ProfileChange): string[] {
    switch (change.kind) {
      case 'profile.created':
        return this.create(change.profileId, change.identifiers);
      case 'profile.traits_changed':
        return this.changeTraits(change);
      case 'profile.identified':
        return this.create(change.profileId, change.identifiers);
      case 'profile.merged':
        return this.merge(change.survivor, change.merged);
      case 'profile.deleted':
        return this.remove(change.profileId);
    }
  }

  private create(profileId: string, identifiers: Identifier[]): string[] {
    if (this.gone.has(profileId)) return [];
    const profile = this.profiles.get(profileId) ?? {
      id: profileId,
      identifiers: [],
      traits: {},
      version: 0,
    };
    this.profiles.set(profileId, profile);
    this.addIdentifiers(profile, identifiers);
    return [profileId];
  }

  private changeTraits(change: Extract<ProfileChange, { kind: 'profile.traits_changed' }>): string[] {
    if (this.gone.has(change.profileId)) return [];
    this.create(change.profileId, []);
    const profile = this.profiles.get(change.profileId) as MirroredProfile;
    // Already applied (the stream replayed at start, or a redelivery): evaluated again all the same.
    if (change.version <= profile.version) return [profile.id];
    for (const key of change.changedKeys) {
      if (key in change.traits) profile.traits[key] = change.traits[key];
      else delete profile.traits[key];
    }
    profile.version = change.version;
    return [profile.id];
  }

  private merge(survivorId: string, merged: string[]): string[] {
    this.create(survivorId, []);
    const survivor = this.profiles.get(survivorId);
    if (!survivor) return [];
    for (const id of merged) {
      const absorbed = this.profiles.get(id);
      if (absorbed) this.addIdentifiers(survivor, absorbed.identifiers);
      this.profiles.delete(id);
      this.gone.add(id);
      this.survivors.set(id, survivorId);
    }
    return [survivorId, ...merged];
  }

  private remove(profileId: string): string[] {
    const profile = this.profiles.get(profileId);
    this.gone.add(profileId);
    if (!profile) return [profileId];
    for (const identifier of profile.identifiers) this.byIdentifier.delete(identifierToken(identifier));
    this.profiles.delete(profileId);
    return [profileId];
  }

  private addIdentifiers(profile: MirroredProfile, identifiers: Identifier[]): void {
    for (const identifier of identifiers) {
      const token = identifierToken(identifier);
      if (!profile.identifiers.some((held) => identifierToken(held) === token))
        profile.identifiers.push(identifier);
      this.byIdentifier.set(token, profile.id);
    }
  }
}
