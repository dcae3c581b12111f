import type { Logger } from '@prism/log';
import type { ProfileView } from '../domain/profile-mirror.js';
import type { AudienceRepositories } from '../store/repositories.js';
import type { DestinationDocument, DestinationKind } from './destination.js';
import type { DestinationRegistry } from './registry.js';
import type { AudienceSnapshot } from './snapshot.js';

/** What a kind's sync works with. */
export interface SyncContext {
  repos: Pick<AudienceRepositories, 'destinations' | 'deliveries'>;
  snapshot(destination: DestinationDocument): Promise<AudienceSnapshot>;
  /** Marks the destination's requested backfills done, through that stream position, and reloads it. */
  backfilled(destination: DestinationDocument, throughSeq: number): Promise<void>;
  /** Disables a destination (a webhook's 410) and reloads it. */
  disable(destination: DestinationDocument, reason: string): Promise<void>;
  /** A profile of the destination's space as the mirror has it now (gone: undefined). */
  profile(destination: DestinationDocument, profileId: string): ProfileView | undefined;
  /** Why the destination's audience may not go to an ad platform, if it may not. */
  refusal(destination: DestinationDocument): string | undefined;
  /** Stores settings a sync learnt (a created Meta custom audience) and reloads the destination. */
  remember(destination: DestinationDocument, set: Partial<DestinationDocument>): Promise<void>;
  now(): Date;
  logger: Logger;
}

/**
 * One kind of destination: does what is due for one destination (a backfill, then waiting
 * changes) and answers when to look again (epoch ms), or undefined to wait for new changes.
 */
export interface KindSync {
  run(destination: DestinationDocument, context: SyncContext): Promise<number | undefined>;
}

/** How often due destinations are looked for. */
const TICK_MS = 50;
/** A sync that threw (storage down, say) is tried again after this. */
const AFTER_CRASH_MS = 5_000;

/**
 * Runs each destination's sync when it is due: woken by new changes, by its own retry times and
 * at start (so what a stop left queued goes out). One sync per destination at a time, so a
 * destination's deliveries keep their order; destinations run side by side.
 */
export class DestinationDispatcher {
  private readonly due = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: DestinationRegistry,
    private readonly syncs: Record<DestinationKind, KindSync>,
    private readonly context: SyncContext,
  ) {}

  start(): void {
    for (const destination of this.registry.all()) this.due.set(destination._id, 0);
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  readonly wake = (destinationIds: readonly string[]): void => {
    for (const id of destinationIds) this.due.set(id, 0);
  };

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.running.values());
  }

  /** Waits until nothing is due now and nothing runs (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0 || [...this.due.values()].some((at) => at <= Date.now()))
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }

  private tick(): void {
    const now = Date.now();
    for (const [id, at] of this.due)
      if (at <= now && !this.running.has(id)) {
        this.due.delete(id);
        const run = this.run(id).finally(() => this.running.delete(id));
        this.running.set(id, run);
      }
  }

  private async run(id: string): Promise<void> {
    const destination = this.registry.get(id);
    if (!destination?.enabled) return;
    let next: number | undefined;
    try {
      next = await this.syncs[destination.kind].run(destination, this.context);
    } catch (error) {
      this.context.logger.warn({ err: error, destination: id }, 'destination sync failed; trying again');
      next = Date.now() + AFTER_CRASH_MS;
    }
    if (next !== undefined) this.due.set(id, Math.min(this.due.get(id) ?? Number.POSITIVE_INFINITY, next));
  }
}
