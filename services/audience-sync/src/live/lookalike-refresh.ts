import type { Logger } from '@prism/log';
import type { MembershipChange } from '../domain/membership.js';
import { queueRecompute } from './definitions.js';
import type { AudienceEngine } from './engine.js';
import type { SpaceState } from './space-state.js';

/**
 * Keeps lookalike audiences following their seeds. A committed change of a seed's members makes
 * its lookalikes due; each is recomputed once `everyMs` has passed since it was last computed
 * (a day in production), so a seed that changes all day costs one ranking of the space a day.
 * "Recompute now" (RecomputeAudience) is not held back.
 */
export class LookalikeRefresh {
  /** `space/audience id` → the timer of its due recompute. */
  private readonly due = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly engine: AudienceEngine,
    private readonly everyMs: number,
    private readonly logger: Logger,
  ) {
    engine.watchCommits((state, changes) => this.seedsChanged(state, changes));
  }

  /** Every lookalike falls due once: a stop forgets which seeds changed, and so does a crash. */
  start(): void {
    for (const state of this.engine.allSpaces())
      for (const audience of state.live.values())
        if (audience.definition.lookalike) this.schedule(state, audience.definition.id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.due.values()) clearTimeout(timer);
    this.due.clear();
  }

  private seedsChanged(state: SpaceState, changes: readonly MembershipChange[]): void {
    if (changes.length === 0) return;
    const changed = new Set(changes.map((change) => change.audienceId));
    for (const audience of state.live.values()) {
      const seedKey = audience.definition.lookalike?.seedKey;
      const seedId = seedKey === undefined ? undefined : state.byKey(seedKey)?.definition.id;
      if (seedId !== undefined && changed.has(seedId)) this.schedule(state, audience.definition.id);
    }
  }

  private schedule(state: SpaceState, audienceId: string): void {
    const slot = `${state.spaceId}/${audienceId}`;
    if (this.stopped || this.due.has(slot)) return;
    const timer = setTimeout(
      () => {
        this.due.delete(slot);
        this.refresh(state, audienceId);
      },
      this.waitFor(state, audienceId),
    );
    timer.unref();
    this.due.set(slot, timer);
  }

  /** Recomputes when its interval has passed; a recompute on demand meanwhile moves it on. */
  private refresh(state: SpaceState, audienceId: string): void {
    if (!state.live.get(audienceId)?.definition.lookalike) return;
    if (this.waitFor(state, audienceId) > 0) {
      this.schedule(state, audienceId);
      return;
    }
    this.logger.debug({ space: state.spaceId, audienceId }, 'lookalike follows its seed');
    void queueRecompute(this.engine, state.spaceId, audienceId, { space: state.spaceId }, 'RECOMPUTE');
  }

  private waitFor(state: SpaceState, audienceId: string): number {
    const computedAt = state.docs.get(audienceId)?.status.computedAt?.getTime() ?? 0;
    return Math.max(0, computedAt + this.everyMs - this.engine.now());
  }
}
