import type { Logger } from '@prism/log';
import type { MembershipBucketDocument } from '../store/documents.js';
import { bucketId, bucketOf } from '../store/membership-store.js';
import type { AudienceEngine } from './engine.js';
import type { SpaceState } from './space-state.js';

/** Snapshots every space whose membership changed, on the space's queue (a consistent cut). */
export async function snapshotChanged(engine: AudienceEngine): Promise<void> {
  for (const state of engine.allSpaces()) {
    if (state.dirty.size === 0) continue;
    await engine.inSpace(state.spaceId, () => snapshotSpace(engine, state));
  }
}

async function snapshotSpace(engine: AudienceEngine, state: SpaceState): Promise<void> {
  const buckets: MembershipBucketDocument[] = [];
  const sizes: [string, number][] = [];
  for (const [audienceId, dirty] of state.dirty) {
    const audience = state.live.get(audienceId);
    if (!audience) continue;
    sizes.push([audienceId, audience.members.size]);
    const byBucket = new Map<number, MembershipBucketDocument>();
    for (const bucket of dirty)
      byBucket.set(bucket, {
        _id: bucketId(audienceId, bucket),
        spaceId: state.spaceId,
        audienceId,
        profileIds: [],
        enteredAt: [],
      });
    for (const [profileId, at] of audience.members) {
      const doc = byBucket.get(bucketOf(profileId));
      if (!doc) continue;
      doc.profileIds.push(profileId);
      doc.enteredAt.push(at);
    }
    buckets.push(...byBucket.values());
  }
  await engine.deps.repos.membership.snapshot(state.spaceId, state.seq, buckets);
  state.dirty.clear();
  for (const [audienceId, size] of sizes)
    await engine.deps.repos.audiences.setSize(state.spaceId, audienceId, size);
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
