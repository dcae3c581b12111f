import type { BatchPlan, SpaceView } from '../domain/batch.js';
import type { ComputedTraitDefinition } from '../domain/computed/index.js';
import { type Identifier, type IdentityRules, identifierKey } from '../domain/identity/index.js';
import type { ProfileState } from '../domain/profile-state.js';
import type { StoredSpace } from '../store/profile-store.js';

/**
 * A space's profiles and identity graph in memory: a cache of MongoDB (the system of record),
 * built from it when the service first works on the space and kept current by the one writer
 * that applies the space's batches. It answers the Profile API without a database round trip
 * and lets a batch resolve identities without one query per identifier.
 */
export class SpaceState implements SpaceView {
  private readonly owners = new Map<string, string>();
  private readonly live = new Map<string, ProfileState>();
  private readonly mergedInto: Map<string, string>;
  private readonly suppressed: Set<string>;

  constructor(
    readonly spaceId: string,
    stored: StoredSpace,
    private readonly settings: {
      rules: () => IdentityRules;
      definitions: ComputedTraitDefinition[];
      suppressed: Identifier[];
    },
  ) {
    for (const profile of stored.profiles) this.put(profile);
    this.mergedInto = stored.mergedInto;
    this.suppressed = new Set(settings.suppressed.map(identifierKey));
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

  profileOf(identifier: Identifier): string | undefined {
    return this.owners.get(identifierKey(identifier));
  }

  /** A copy a batch may change freely. */
  profile(profileId: string): ProfileState | undefined {
    const profile = this.live.get(profileId);
    return profile && structuredClone(profile);
  }

  /** The live profile itself (read only), following merges from an old id. */
  current(profileId: string): ProfileState | undefined {
    let id = profileId;
    for (let next = this.mergedInto.get(id); next !== undefined; next = this.mergedInto.get(id)) id = next;
    return this.live.get(id);
  }

  profiles(): IterableIterator<ProfileState> {
    return this.live.values();
  }

  get size(): number {
    return this.live.size;
  }

  isSuppressed(identifier: Identifier): boolean {
    return this.suppressed.has(identifierKey(identifier));
  }

  suppress(identifier: Identifier): void {
    this.suppressed.add(identifierKey(identifier));
  }

  /** Makes a written plan the state. */
  commit(plan: BatchPlan): void {
    for (const { profileId, mergedInto } of plan.mergedAway) {
      this.live.delete(profileId);
      this.mergedInto.set(profileId, mergedInto);
    }
    for (const profile of plan.inserted) this.put(profile);
    for (const { profile } of plan.replaced) this.put(profile);
  }

  /** Replaces one profile after a write outside a batch (sweep, backfill). */
  put(profile: ProfileState): void {
    this.live.set(profile.id, profile);
    for (const identifier of profile.identifiers) this.owners.set(identifierKey(identifier), profile.id);
  }

  remove(profile: ProfileState): void {
    this.live.delete(profile.id);
    for (const identifier of profile.identifiers) this.owners.delete(identifierKey(identifier));
  }
}
