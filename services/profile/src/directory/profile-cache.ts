import type { ProfileState } from '../domain/profile-state.js';

/**
 * The most recently read or written profiles of a space, at most `capacity` of them: the hot
 * path's profiles without a store round trip, and a bound on what a space holds in memory.
 * A Map keeps insertion order, so re-inserting on use makes its first key the least recent.
 */
export class ProfileCache {
  private readonly profiles = new Map<string, ProfileState>();

  constructor(private readonly capacity: number) {}

  get(profileId: string): ProfileState | undefined {
    const profile = this.profiles.get(profileId);
    if (profile) {
      this.profiles.delete(profileId);
      this.profiles.set(profileId, profile);
    }
    return profile;
  }

  set(profile: ProfileState): void {
    this.profiles.delete(profile.id);
    this.profiles.set(profile.id, profile);
    if (this.profiles.size <= this.capacity) return;
    const oldest = this.profiles.keys().next().value as string;
    this.profiles.delete(oldest);
  }

  delete(profileId: string): void {
    this.profiles.delete(profileId);
  }

  clear(): void {
    this.profiles.clear();
  }
}
