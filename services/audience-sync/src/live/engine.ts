import type { EventContext, EventPublisher } from '@prism/bus';
import { NotFound } from '@prism/errors';
import type { Logger } from '@prism/log';
import type { ComputeStatus } from '../domain/audience.js';
import { dependentsOf } from '../domain/dependencies.js';
import {
  type MembershipCause,
  type MembershipChange,
  recompute,
  reevaluate,
  seedJoiners,
} from '../domain/membership.js';
import type { ProfileChange, ProfileView } from '../domain/profile-mirror.js';
import { audienceComputed } from '../events/audience-events.js';
import type { AudienceDocument } from '../store/documents.js';
import type { AudienceRepositories } from '../store/repositories.js';
import { type Committer, committer } from './commit.js';
import { SpaceState } from './space-state.js';

/** A profile event as the engine applies it. */
export interface ProfileEvent {
  id: string;
  change: ProfileChange;
}

/** Told of every membership change once it is committed (lookalikes follow their seeds). */
export type CommitWatcher = (state: SpaceState, changes: readonly MembershipChange[]) => void;

export interface EngineDeps {
  repos: AudienceRepositories;
  publisher: EventPublisher;
  logger: Logger;
  now?: () => number;
}

/**
 * Live membership of every space. All work on a space (profile events, rule edits, campaign
 * rebuilds, snapshots) runs one piece at a time on that space's queue: membership is decided in
 * memory by one writer and stored through the membership log before it is published.
 */
export class AudienceEngine {
  private readonly spaces = new Map<string, SpaceState>();
  private readonly queues = new Map<string, Promise<unknown>>();
  readonly commits: Committer;
  readonly now: () => number;
  private readonly watchers: CommitWatcher[] = [];

  constructor(readonly deps: EngineDeps) {
    const commits = committer(deps.repos, deps.publisher, deps.logger);
    this.commits = {
      ...commits,
      commit: async (state, context, changes, options) => {
        await commits.commit(state, context, changes, options);
        for (const watcher of this.watchers) watcher(state, changes);
      },
    };
    this.now = deps.now ?? Date.now;
  }

  watchCommits(watcher: CommitWatcher): void {
    this.watchers.push(watcher);
  }

  space(spaceId: string): SpaceState {
    const state = this.spaces.get(spaceId) ?? new SpaceState(spaceId);
    this.spaces.set(spaceId, state);
    return state;
  }

  allSpaces(): SpaceState[] {
    return [...this.spaces.values()];
  }

  /** Runs `work` after everything queued before it on the space, alone. */
  inSpace<T>(spaceId: string, work: (state: SpaceState) => Promise<T>): Promise<T> {
    const previous = this.queues.get(spaceId) ?? Promise.resolve();
    const next = previous.then(() => work(this.space(spaceId)));
    const settled = next.catch(() => undefined);
    this.queues.set(spaceId, settled);
    void settled.then(() => {
      if (this.queues.get(spaceId) === settled) this.queues.delete(spaceId);
    });
    return next;
  }

  /** Waits for everything queued on every space (stop, tests). */
  async idle(): Promise<void> {
    while (this.queues.size > 0) await Promise.all(this.queues.values());
  }

  /** Applies one space's profile events in order, then publishes the memberships they change. */
  applyProfileEvents(spaceId: string, events: readonly ProfileEvent[], context: EventContext): Promise<void> {
    return this.inSpace(spaceId, async (state) => {
      const departed = new Map<string, ProfileView>();
      const causes = new Map<string, MembershipCause>();
      for (const { id, change } of events) {
        for (const leaving of leavingProfiles(change)) {
          const view = state.mirror.get(leaving);
          if (view) departed.set(leaving, { ...view, identifiers: [...view.identifiers] });
        }
        const kind = change.kind === 'profile.deleted' ? 'DELETED' : 'PROFILE_EVENT';
        for (const profileId of state.mirror.apply(change)) causes.set(profileId, { kind, eventId: id });
      }
      const changes = reevaluate(
        state.ordered(),
        [...causes.keys()],
        state.mirror,
        (id) => causes.get(id) as MembershipCause,
        this.now(),
      );
      await this.commits.commit(state, context, changes, { departed });
    });
  }

  /**
   * Evaluates audiences again over every profile, and the audiences that name them (at any
   * depth), each once and in evaluation order: a union of parts is computed after all its parts,
   * so it publishes only its final difference. A lookalike reached through its seed only loses
   * the members who joined the seed: it is ranked again when asked for, or by `LookalikeRefresh`.
   */
  async recomputeInQueue(
    state: SpaceState,
    audienceIds: string | readonly string[],
    context: EventContext,
    cause: MembershipCause,
  ): Promise<void> {
    const asked = new Set(typeof audienceIds === 'string' ? [audienceIds] : audienceIds);
    const targets = withDependents(state, [...asked]);
    for (const audience of state.ordered()) {
      const { id, lookalike } = audience.definition;
      if (!targets.has(id)) continue;
      if (lookalike && !asked.has(id))
        await this.commits.commit(state, context, seedJoiners(audience, state.isMember, cause, this.now()));
      else await this.recomputeOne(state, id, context, cause);
    }
  }

  private async recomputeOne(
    state: SpaceState,
    audienceId: string,
    context: EventContext,
    cause: MembershipCause,
  ) {
    const audience = state.live.get(audienceId);
    if (!audience) return;
    const at = this.now();
    try {
      const changes = recompute(audience, state.mirror, state.audienceRows, cause, at);
      const entered = changes.filter((change) => change.entered).length;
      const exited = changes.length - entered;
      const summary = { size: audience.members.size + entered - exited, entered, exited, at };
      await this.setStatus(state, audienceId, { state: 'building', progress: 0 });
      await this.commits.commit(state, context, changes, {
        extraEvents: [audienceComputed(context, audience.definition, summary)],
        onChunk: (done) =>
          this.setStatus(state, audienceId, {
            state: 'building',
            progress: done / Math.max(changes.length, 1),
          }),
      });
      await this.setStatus(state, audienceId, {
        state: 'live',
        progress: 1,
        computedAt: new Date(this.now()),
      });
    } catch (error) {
      await this.setStatus(state, audienceId, { state: 'failed', progress: 0, error: String(error) });
      throw error;
    }
  }

  /** Stores an audience's compute status and size, and shows them to readers at once. */
  private async setStatus(state: SpaceState, audienceId: string, status: ComputeStatus): Promise<void> {
    const size = state.live.get(audienceId)?.members.size ?? 0;
    await this.deps.repos.audiences.setStatus(state.spaceId, audienceId, status, size);
    const doc = state.docs.get(audienceId);
    if (doc) state.docs.set(audienceId, { ...doc, status, size });
  }

  /** Every member leaves (cause given), then the definition, its snapshot and days go; profiles stay. */
  async removeInQueue(
    state: SpaceState,
    doc: AudienceDocument,
    context: EventContext,
    cause: MembershipCause,
  ): Promise<void> {
    const audience = state.live.get(doc._id);
    const at = this.now();
    const exits: MembershipChange[] = [...(audience?.members.keys() ?? [])].map((profileId) => ({
      audienceId: doc._id,
      profileId,
      entered: false,
      at,
      cause,
    }));
    await this.commits.commit(state, context, exits);
    // A delete the server applied but whose answer was lost leaves nothing to delete: go on.
    await this.deps.repos.audiences.remove(state.spaceId, doc._id).catch((error) => {
      if (!(error instanceof NotFound)) throw error;
    });
    await this.forgetRemoved(state, doc._id);
  }

  /** Drops a definition the store no longer holds: its membership rows, its days, its memory. */
  async forgetRemoved(state: SpaceState, audienceId: string): Promise<void> {
    await this.deps.repos.membership.dropAudience(state.spaceId, audienceId);
    await this.deps.repos.days.dropAudience(state.spaceId, audienceId);
    state.drop(audienceId);
  }
}

/** The audiences given and every audience that names one of them (or is their lookalike), at any depth, by id. */
function withDependents(state: SpaceState, audienceIds: readonly string[]): Set<string> {
  const definitions = state.definitions();
  const targets = new Set(audienceIds);
  const keys = audienceIds.flatMap((id) => state.live.get(id)?.definition.key ?? []);
  for (let key = keys.pop(); key !== undefined; key = keys.pop())
    for (const dependent of dependentsOf(definitions, key)) {
      const id = state.byKey(dependent)?.definition.id;
      if (id && !targets.has(id)) {
        targets.add(id);
        keys.push(dependent);
      }
    }
  return targets;
}

/** Profiles an event takes out of the mirror: their last view is kept for their exit events. */
function leavingProfiles(change: ProfileChange): string[] {
  if (change.kind === 'profile.deleted') return [change.profileId];
  if (change.kind === 'profile.merged') return change.merged;
  return [];
}
