import { AlreadyExists, NotFound } from '@prism/errors';
import { type BatchPlan, traitsChanged } from '../domain/batch.js';
import { backfill, type ComputedTraitDefinition, expire } from '../domain/computed/index.js';
import type { Identifier } from '../domain/identity/index.js';
import { type ProfileState, publishComputedChanges } from '../domain/profile-state.js';
import { profileDeleted } from '../events/profile-events.js';
import type { StoredComputedTrait } from '../store/space-settings.js';
import { DELETED, type ProfilePipeline } from './profile-pipeline.js';
import type { SpaceState } from './space-state.js';

/**
 * Changes to a space that do not come from messages: time passing (window expiry), computed
 * trait definitions (backfill), privacy deletion and suppression. Each runs as the space's writer.
 */
export class ProfileMaintenance {
  constructor(private readonly pipeline: ProfilePipeline) {}

  /** Windowed computed traits lose expired days; profiles whose values changed are written and told. */
  async sweep(): Promise<number> {
    let changed = 0;
    for (const spaceId of this.pipeline.loadedSpaces()) {
      changed += await this.pipeline.exclusive(spaceId, async (state) => {
        const windowed = state.definitions.filter(({ windowDays }) => windowDays > 0);
        if (windowed.length === 0) return 0;
        const now = this.pipeline.clock();
        return this.rewrite(state, now, (profile) => {
          for (const definition of windowed) {
            profile.computed[definition.key] = expire(profile.computed[definition.key], definition, now);
          }
        });
      });
    }
    return changed;
  }

  async createComputedTrait(
    spaceId: string,
    definition: ComputedTraitDefinition,
  ): Promise<StoredComputedTrait> {
    return this.pipeline.exclusive(spaceId, async (state) => {
      // Checked here, as the space's writer, before the backfill's work: the in-memory definitions
      // are the stored ones (the insert below still guards against another writer).
      if (state.definitions.some(({ key }) => key === definition.key)) {
        throw new AlreadyExists('computed trait', definition.key);
      }
      const { settings } = this.pipeline.options;
      const now = this.pipeline.clock();
      const definitions = [...state.definitions, definition];
      let backfilled = 0;
      await this.rewrite(
        state,
        now,
        async (profile) => {
          const events = (await this.pipeline.historyOf(profile)).map((event) => ({
            ...event,
            timestamp: new Date(event.timestamp),
          }));
          profile.computed[definition.key] = backfill(definition, events, now);
          if (profile.computed[definition.key] !== undefined) backfilled++;
        },
        definitions,
      );
      const stored = await settings.addComputedTrait(spaceId, definition, backfilled);
      state.definitions = definitions;
      return stored;
    });
  }

  async deleteComputedTrait(spaceId: string, key: string): Promise<void> {
    await this.pipeline.exclusive(spaceId, async (state) => {
      await this.pipeline.options.settings.removeComputedTrait(spaceId, key);
      const definitions = state.definitions.filter((definition) => definition.key !== key);
      state.definitions = definitions;
      await this.rewrite(
        state,
        this.pipeline.clock(),
        (profile) => {
          delete profile.computed[key];
        },
        definitions,
      );
    });
  }

  async deleteProfile(spaceId: string, profileId: string, reason: string) {
    return this.pipeline.exclusive(spaceId, (state) => this.deleteFrom(state, profileId, reason));
  }

  /** Later messages with the identifier are dropped; optionally the profile holding it goes too. */
  async suppress(
    spaceId: string,
    identifier: Identifier,
    deleteHolder: boolean,
  ): Promise<string | undefined> {
    return this.pipeline.exclusive(spaceId, async (state) => {
      await this.pipeline.options.settings.suppress(spaceId, identifier);
      state.suppress(identifier);
      const holder = (await state.lookup(identifier))?.id;
      if (!deleteHolder || holder === undefined) return undefined;
      await this.deleteFrom(state, holder, 'SUPPRESSED');
      return holder;
    });
  }

  private async deleteFrom(state: SpaceState, profileId: string, reason: string) {
    const profile = await state.fetch(profileId);
    if (!profile) throw new NotFound('profile', profileId);
    const { outbox, store } = this.pipeline.options;
    const event = profileDeleted(state.spaceId, profile.id, reason);
    const slot = await outbox.hold(state.spaceId, [event], [{ profileId: profile.id, version: DELETED }]);
    const deleted = await store.deleteProfile(profile);
    state.remove(profile);
    await this.pipeline.publishInOrder(state.spaceId, [event], slot);
    return { profileId: profile.id, ...deleted };
  }

  /**
   * Applies `change` to a copy of every profile and writes those whose computed values moved
   * (or whose state did), publishing one `profile.traits_changed` each: a page of profiles read,
   * changed and written at a time, so a rewrite of a million profiles holds one page.
   */
  private async rewrite(
    state: SpaceState,
    now: Date,
    change: (profile: ProfileState) => void | Promise<void>,
    definitions: readonly ComputedTraitDefinition[] = state.definitions,
  ): Promise<number> {
    let changed = 0;
    for await (const page of state.liveProfiles()) {
      const plan = emptyPlan();
      for (const current of page) {
        const profile = structuredClone(current);
        const before = JSON.stringify(profile.computed);
        await change(profile);
        const keys = publishComputedChanges(profile, definitions, now);
        for (const key of Object.keys(profile.computedValues)) {
          if (!definitions.some((definition) => definition.key === key)) {
            delete profile.computedValues[key];
            keys.push(key);
          }
        }
        if (keys.length === 0 && JSON.stringify(profile.computed) === before) continue;
        profile.version += 1;
        profile.updatedAt = now.getTime();
        plan.replaced.push({ profile, expectedVersion: current.version });
        if (keys.length > 0) plan.changes.push(traitsChanged(profile, keys));
      }
      const { published } = await this.pipeline.persist(state, plan, now);
      await published;
      changed += plan.changes.length;
    }
    return changed;
  }
}

function emptyPlan(): BatchPlan {
  return {
    inserted: [],
    replaced: [],
    mergedAway: [],
    claims: [],
    chunks: [],
    expiredChunks: [],
    changes: [],
    applied: 0,
    repeated: 0,
    dropped: 0,
  };
}
