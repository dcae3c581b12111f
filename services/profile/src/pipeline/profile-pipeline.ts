import type { BusLogger, EventPublisher, PrismEvent } from '@prism/bus';
import { v7 as uuidv7 } from 'uuid';
import { type BatchIds, type BatchPlan, planBatch } from '../domain/batch.js';
import type { IdentityRules } from '../domain/identity/index.js';
import type { TrackingMessage } from '../domain/tracking-message.js';
import { profileEventOf } from '../events/profile-events.js';
import type { BatchOutbox } from '../store/batch-outbox.js';
import type { ProfileStore } from '../store/profile-store.js';
import type { SpaceSettingsStore } from '../store/space-settings.js';
import { SpaceState } from './space-state.js';

export interface ProfilePipelineOptions {
  store: ProfileStore;
  settings: SpaceSettingsStore;
  outbox: BatchOutbox;
  publisher: EventPublisher;
  rulesOf(spaceId: string): IdentityRules;
  logger: BusLogger;
  clock?: () => Date;
  ids?: BatchIds;
}

export interface BatchStats {
  applied: number;
  repeated: number;
  dropped: number;
}

/** Marks a `profile.deleted` event in the outbox: valid once the profile is gone. */
export const DELETED = -1;

/**
 * The one writer of each space's profiles. Everything that changes a space (a batch, a sweep, a
 * backfill, a deletion) runs through `exclusive`, one at a time per space, on the space's
 * in-memory state; a failure drops that state so the next call rebuilds it from MongoDB.
 */
export class ProfilePipeline {
  private readonly states = new Map<string, Promise<SpaceState>>();
  private readonly tails = new Map<string, Promise<unknown>>();
  readonly clock: () => Date;
  private readonly ids: BatchIds;

  constructor(readonly options: ProfilePipelineOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.ids = options.ids ?? { profile: () => `prof_${uuidv7()}`, chunk: () => `chunk_${uuidv7()}` };
  }

  /** The space's state for reads; it may be one batch behind a write in flight. */
  read(spaceId: string): Promise<SpaceState> {
    return this.load(spaceId);
  }

  loadedSpaces(): string[] {
    return [...this.states.keys()];
  }

  exclusive<T>(spaceId: string, work: (state: SpaceState) => Promise<T>): Promise<T> {
    const run = (this.tails.get(spaceId) ?? Promise.resolve()).then(async () => {
      const state = await this.load(spaceId);
      try {
        return await work(state);
      } catch (error) {
        // The store may hold part of what failed: rebuild from it rather than guess.
        this.states.delete(spaceId);
        throw error;
      }
    });
    const tail = run.catch(() => undefined);
    this.tails.set(spaceId, tail);
    void tail.then(() => {
      if (this.tails.get(spaceId) === tail) this.tails.delete(spaceId);
    });
    return run;
  }

  ingest(spaceId: string, messages: TrackingMessage[]): Promise<BatchStats> {
    return this.exclusive(spaceId, async (state) => {
      const now = this.clock();
      const plan = planBatch(state, messages, now, this.ids);
      await this.persist(state, plan, now);
      return { applied: plan.applied, repeated: plan.repeated, dropped: plan.dropped };
    });
  }

  /** Writes a plan, then publishes its events: outbox slot first, so a crash loses none. */
  async persist(
    state: SpaceState,
    plan: BatchPlan,
    now: Date,
    extraEvents: PrismEvent[] = [],
  ): Promise<void> {
    const events = [
      ...plan.changes.map((change) => profileEventOf(state.spaceId, change, now)),
      ...extraEvents,
    ];
    const expected = [...plan.inserted, ...plan.replaced.map(({ profile }) => profile)].map(
      ({ id, version }) => ({
        profileId: id,
        version,
      }),
    );
    const { outbox, store } = this.options;
    if (events.length > 0) await outbox.hold(state.spaceId, events, expected);
    await store.writeBatch(state.spaceId, plan, (identifier) => state.profileOf(identifier) !== undefined);
    state.commit(plan);
    if (events.length > 0) {
      await this.publishAll(events);
      await outbox.published(state.spaceId);
    }
  }

  async publishAll(events: PrismEvent[]): Promise<void> {
    await Promise.all(events.map((event) => this.options.publisher.publish(event)));
  }

  private load(spaceId: string): Promise<SpaceState> {
    const cached = this.states.get(spaceId);
    if (cached) return cached;
    const loading = this.build(spaceId);
    this.states.set(spaceId, loading);
    loading.catch(() => this.states.delete(spaceId));
    return loading;
  }

  private async build(spaceId: string): Promise<SpaceState> {
    const { store, settings } = this.options;
    const [stored, computedTraits, suppressed] = await Promise.all([
      store.loadSpace(spaceId),
      settings.computedTraitsOf(spaceId),
      settings.suppressedOf(spaceId),
    ]);
    const state = new SpaceState(spaceId, stored, {
      rules: () => this.options.rulesOf(spaceId),
      definitions: computedTraits.map(({ definition }) => definition),
      suppressed,
    });
    await this.recover(state);
    this.options.logger.info({ spaceId, profiles: state.size }, 'space loaded');
    return state;
  }

  /** Publishes what a crashed write left in the outbox, if its profiles were written. */
  private async recover(state: SpaceState): Promise<void> {
    const pending = await this.options.outbox.pending(state.spaceId);
    if (!pending) return;
    const landed = pending.events.filter((event) => {
      const profileId = event.subject.replace(/^profiles\//, '');
      const expected = pending.expected.get(profileId);
      const profile = state.current(profileId);
      if (expected === DELETED) return profile === undefined;
      return profile !== undefined && expected !== undefined && profile.version >= expected;
    });
    await this.publishAll(landed);
    await this.options.outbox.published(state.spaceId);
    this.options.logger.warn(
      { spaceId: state.spaceId, published: landed.length, dropped: pending.events.length - landed.length },
      'outbox recovered',
    );
  }
}
