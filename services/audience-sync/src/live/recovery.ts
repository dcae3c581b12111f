import type { Logger } from '@prism/log';
import type { AudienceRepositories } from '../store/repositories.js';
import type { AudienceEngine } from './engine.js';

/**
 * Brings the engine back to what was stored: definitions, the members of the last snapshot, the
 * membership log after it — and publishes, in log order, what the log holds but a crash or a NATS
 * outage left unpublished, the snapshot's part too (the same event ids, so JetStream's duplicate
 * window and partners' dedupe absorb a repeat).
 * Answers the audiences a crash left building, to recompute once profiles are mirrored.
 */
export async function restoreMembership(engine: AudienceEngine, repos: AudienceRepositories, logger: Logger) {
  const unfinished: { spaceId: string; audienceId: string }[] = [];
  for (const doc of await repos.audiences.all()) {
    engine.space(doc.spaceId).put(doc);
    if (doc.status.state === 'building') unfinished.push({ spaceId: doc.spaceId, audienceId: doc._id });
  }
  for await (const bucket of repos.membership.allBuckets()) {
    const audience = engine.space(bucket.spaceId).live.get(bucket.audienceId);
    for (const [profileId, at] of bucket.members) audience?.members.set(profileId, at);
  }
  const marks = await repos.membership.marksBySpace();
  const spaces = new Set([...marks.keys(), ...(await repos.membership.spacesWithLog())]);
  let republished = 0;
  for (const spaceId of spaces) {
    const state = engine.space(spaceId);
    const snapshotted = marks.get(spaceId) ?? 0;
    state.seq = snapshotted;
    for (const entry of await repos.membership.logAfter(spaceId, snapshotted)) {
      if (entry.seq > snapshotted) {
        state.apply(entry.changes);
        state.noteChanged(entry.changes);
        state.seq = entry.seq;
      }
      if (entry.published) continue;
      await engine.commits.republish(state, entry);
      republished += entry.events.length;
    }
  }
  if (republished > 0) logger.warn({ republished }, 'published membership events a stop left unpublished');
  return unfinished;
}
