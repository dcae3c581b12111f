import { type BusLogger, type EventPublisher, type PrismEvent, uuidv7 } from '@prism/bus';
import { type BatchIds, type BatchPlan, planBatch } from '../domain/batch.js';
import { retentionCutoff } from '../domain/history.js';
import {
  type Identifier,
  type IdentityRules,
  identifiersOf,
  normalizeIdentifier,
} from '../domain/identity/index.js';
import type { ProfileEventRecord, ProfileState } from '../domain/profile-state.js';
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
  /** Profiles of a space kept in memory at most (10,000 unless given). */
  cacheSize?: number;
  /** Days of raw events kept per profile (0 = all; 14 unless given, as Segment's Profile API). */
  historyRetentionDays?: number;
}

export interface BatchStats {
  applied: number;
  repeated: number;
  dropped: number;
}

/** Marks a `profile.deleted` event in the outbox: valid once the profile is gone. */
export const DELETED = -1;

/**
 * Messages planned and written as one batch at most: the batch's events are held in one outbox
 * document, which must stay under the 16 MB a document may have (a group of 99 requests of a
 * contacts import made 20 MB and failed).
 */
export const MAX_BATCH_MESSAGES = 4_000;

interface OpenSpace {
  state: Promise<SpaceState>;
  /** The state once its directory knows every stored profile and its outbox was recovered. */
  loaded: Promise<SpaceState>;
}

/**
 * The one writer of each space's profiles. Everything that changes a space (a batch, a sweep, a
 * backfill, a deletion) runs through `exclusive`, one at a time per space. A failure there leaves
 * the directory as it is and drops the cached profiles: the next call re-reads what it touches
 * from MongoDB, and first republishes what the failed write may have left in the outbox.
 */
export class ProfilePipeline {
  private readonly spaces = new Map<string, OpenSpace>();
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly unsettled = new Set<string>();
  /** Per space, the publication of the last batch written: each waits for the one before. */
  private readonly publishing = new Map<string, Promise<void>>();
  readonly clock: () => Date;
  readonly historyRetentionDays: number;
  private readonly ids: BatchIds;

  constructor(readonly options: ProfilePipelineOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.historyRetentionDays = options.historyRetentionDays ?? 14;
    this.ids = options.ids ?? { profile: () => `prof_${uuidv7()}`, chunk: () => `chunk_${uuidv7()}` };
  }

  /** The space's state with its directory complete; it may be one batch behind a write in flight. */
  read(spaceId: string): Promise<SpaceState> {
    return this.open(spaceId).loaded;
  }

  /** The space's state at once, its directory possibly still loading: lookups go to the store. */
  answering(spaceId: string): Promise<SpaceState> {
    return this.open(spaceId).state;
  }

  loadedSpaces(): string[] {
    return [...this.spaces.keys()];
  }

  exclusive<T>(spaceId: string, work: (state: SpaceState) => Promise<T>): Promise<T> {
    const run = (this.tails.get(spaceId) ?? Promise.resolve()).then(async () => {
      const state = await this.read(spaceId);
      if (this.unsettled.has(spaceId)) {
        await this.recover(state);
        this.unsettled.delete(spaceId);
      }
      try {
        return await work(state);
      } catch (error) {
        // The store may hold part of what failed: read it again rather than guess.
        state.invalidate();
        this.unsettled.add(spaceId);
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

  /**
   * A profile's events within the retention: its sealed chunks in order, then its open events.
   * What expired is left out at once, though the store drops it only at the profile's next write.
   */
  async historyOf(profile: ProfileState): Promise<ProfileEventRecord[]> {
    const cutoff = retentionCutoff(this.clock(), this.historyRetentionDays);
    const chunks = await Promise.all(
      profile.eventChunks
        .filter(({ newest }) => newest >= cutoff)
        .map(({ id }) => this.options.store.readChunk(profile.spaceId, id)),
    );
    return [...chunks.flat(), ...profile.openEvents].filter(({ receivedAt }) => receivedAt >= cutoff);
  }

  /**
   * Applies messages in batches of at most MAX_BATCH_MESSAGES; resolves once all are stored and
   * their events published. A batch is written while the one before is being published.
   */
  async ingest(spaceId: string, messages: TrackingMessage[]): Promise<BatchStats> {
    const stats = { applied: 0, repeated: 0, dropped: 0 };
    const publications: Promise<void>[] = [];
    let planning: { failed: false } | { failed: true; error: unknown } = { failed: false };
    try {
      for (let at = 0; at < messages.length; at += MAX_BATCH_MESSAGES) {
        const part = messages.slice(at, at + MAX_BATCH_MESSAGES);
        const { plan, published } = await this.exclusive(spaceId, async (state) => {
          const now = this.clock();
          const view = await state.viewFor(part.flatMap(identifiersToResolve));
          const planned = planBatch(view, part, now, this.ids);
          const held = (identifier: Identifier) => view.profileOf(identifier) !== undefined;
          return { plan: planned, ...(await this.persist(state, planned, now, { held })) };
        });
        publications.push(published);
        stats.applied += plan.applied;
        stats.repeated += plan.repeated;
        stats.dropped += plan.dropped;
      }
    } catch (error) {
      planning = { failed: true, error };
    }
    // Settled before returning or throwing: no publication is left unobserved.
    const settled = await Promise.allSettled(publications);
    if (planning.failed) throw planning.error;
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    return stats;
  }

  /**
   * Writes a plan: its events into an outbox slot (so a crash loses none) beside its chunks and
   * claims, then the profile versions. Resolves once written, with `published`: the events'
   * publication, after the previous batch's. `held` tells which claims move an identifier another
   * profile holds today.
   */
  async persist(
    state: SpaceState,
    plan: BatchPlan,
    now: Date,
    { held = () => false }: { held?: (identifier: Identifier) => boolean } = {},
  ): Promise<{ published: Promise<void> }> {
    const events = plan.changes.map((change) => profileEventOf(state.spaceId, change, now));
    const expected = [...plan.inserted, ...plan.replaced.map(({ profile }) => profile)].map(
      ({ id, version }) => ({ profileId: id, version }),
    );
    const { outbox, store } = this.options;
    const holding = events.length > 0 ? outbox.hold(state.spaceId, events, expected) : undefined;
    // The slot is written beside the chunks and claims; only the versions wait for it. Both are
    // settled before a failure is thrown, so recovery never meets a slot still being written.
    const [slotOutcome, writeOutcome] = await Promise.allSettled([
      holding,
      store.writeBatch(state.spaceId, plan, held, holding),
    ]);
    if (slotOutcome.status === 'rejected') throw slotOutcome.reason;
    if (writeOutcome.status === 'rejected') throw writeOutcome.reason;
    const slot = slotOutcome.value;
    state.commit(plan);
    if (slot === undefined) return { published: Promise.resolve() };
    return { published: this.publishInOrder(state.spaceId, events, slot) };
  }

  /**
   * Publishes a written slot's events after every slot written before it, then deletes the slot.
   * A failure fails the publications queued behind it too: their slots stay, and the space's
   * next exclusive call publishes them in order (recover) before anything else.
   */
  publishInOrder(spaceId: string, events: PrismEvent[], slot: string): Promise<void> {
    const previous = this.publishing.get(spaceId) ?? Promise.resolve();
    const published = previous
      .then(() => this.publishAll(events))
      .then(() => this.options.outbox.published(spaceId, slot));
    this.publishing.set(spaceId, published);
    published.catch(() => this.unsettled.add(spaceId));
    return published;
  }

  async publishAll(events: PrismEvent[]): Promise<void> {
    const { publisher } = this.options;
    if (publisher.publishMany) await publisher.publishMany(events);
    else await Promise.all(events.map((event) => publisher.publish(event)));
  }

  private open(spaceId: string): OpenSpace {
    const known = this.spaces.get(spaceId);
    if (known) return known;
    const state = this.create(spaceId);
    const loaded = state.then(async (opened) => {
      const started = Date.now();
      await opened.load();
      await this.recover(opened);
      const ms = Date.now() - started;
      this.options.logger.info({ spaceId, profiles: opened.size, ms }, 'space directory loaded');
      return opened;
    });
    const space = { state, loaded };
    this.spaces.set(spaceId, space);
    loaded.catch(() => {
      if (this.spaces.get(spaceId) === space) this.spaces.delete(spaceId);
    });
    return space;
  }

  private async create(spaceId: string): Promise<SpaceState> {
    const { store, settings } = this.options;
    const [computedTraits, suppressed] = await Promise.all([
      settings.computedTraitsOf(spaceId),
      settings.suppressedOf(spaceId),
    ]);
    return new SpaceState(spaceId, store, {
      rules: () => this.options.rulesOf(spaceId),
      definitions: computedTraits.map(({ definition }) => definition),
      suppressed,
      historyRetentionDays: this.historyRetentionDays,
      cacheSize: this.options.cacheSize ?? 10_000,
    });
  }

  /**
   * Publishes, slot by slot in order, what a crashed or failed write left in the outbox, when
   * its profiles were written; drops the rest.
   */
  private async recover(state: SpaceState): Promise<void> {
    const { spaceId } = state;
    await this.publishing.get(spaceId)?.catch(() => undefined);
    this.publishing.delete(spaceId);
    for (const slot of await this.options.outbox.pending(spaceId)) {
      const reached = new Map<string, number | undefined>();
      for (const profileId of slot.expected.keys())
        reached.set(profileId, (await state.fetch(profileId))?.version);
      const landed = slot.events.filter((event) => {
        const profileId = event.subject.replace(/^profiles\//, '');
        const expected = slot.expected.get(profileId);
        const version = reached.get(profileId);
        if (expected === DELETED) return version === undefined;
        return version !== undefined && expected !== undefined && version >= expected;
      });
      await this.publishAll(landed);
      await this.options.outbox.published(spaceId, slot.id);
      this.options.logger.warn(
        { spaceId, published: landed.length, dropped: slot.events.length - landed.length },
        'outbox recovered',
      );
    }
  }
}

/** A message's identifiers, with a previousId under both types it may be read as. */
function identifiersToResolve(message: TrackingMessage): Identifier[] {
  const identifiers = identifiersOf(message);
  if (message.previousId === undefined) return identifiers;
  return [...identifiers, ...[normalizeIdentifier('user_id', message.previousId) ?? []].flat()];
}
