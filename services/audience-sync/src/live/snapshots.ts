import type { Logger } from '@prism/log';
import { type BucketMembers, bucketOf } from '../store/membership-store.js';
import type { AudienceEngine } from './engine.js';
import type { SpaceState } from './space-state.js';

/**
 * Snapshots every space whose membership changed: the cut is taken on the space's queue (a
 * consistent state at one log sequence), the writes happen after it, so the space keeps applying
 * profile events meanwhile (the log after the cut is replayed on top of it at start).
 */
export async function snapshotChanged(engine: AudienceEngine): Promise<void> {
  for (const state of engine.allSpaces()) {
    if (state.dirty.size === 0) continue;
    const cut = await engine.inSpace(state.spaceId, async () => cutOf(state));
    await engine.deps.repos.membership.snapshot(state.spaceId, cut.seq, cut.buckets);
    for (const [audienceId, size] of cut.sizes)
      await engine.deps.repos.audiences.setSize(state.spaceId, audienceId, size);
  }
}

/** The changed buckets of the changed audiences, as they are now; clears the record of changes. */
function cutOf(state: SpaceState) {
  const buckets: BucketMembers[] = [];
  const sizes: [string, number][] = [];
  for (const [audienceId, dirty] of state.dirty) {
    const audience = state.live.get(audienceId);
    if (!audience) continue;
    sizes.push([audienceId, audience.members.size]);
    const byBucket = new Map<number, BucketMembers>();
    for (const bucket of dirty) byBucket.set(bucket, { audienceId, bucket, members: [] });
    for (const [profileId, at] of audience.members)
      byBucket.get(bucketOf(profileId))?.members.push([profileId, at]);
    buckets.push(...byBucket.values());
  }
  state.dirty.clear();
  return { seq: state.seq, buckets, sizes };
}

/** Snapshots on a timer while the service runs; a last one on stop. */
export function startSnapshots(engine: AudienceEngine, everyMs: number, logger: Logger) {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(() => snapshotChanged(engine))
      .catch((error) => logger.warn({ err: error }, 'membership snapshot failed; the log keeps the changes'));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
      await engine.idle();
      await snapshotChanged(engine).catch((error) =>
        logger.warn({ err: error }, 'last membership snapshot failed'),
      );
    },
  };
}
