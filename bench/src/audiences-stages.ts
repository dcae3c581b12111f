import { performance } from 'node:perf_hooks';
import type { RunningAudienceService } from '@prism/audience-sync/app';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/** Milliseconds spent in each timed call since the last reset, and how many calls. */
export type StageTotals = Record<AudienceSyncStage, { calls: number; ms: number }>;
type AudienceSyncStage = 'commit' | 'log append' | 'log mark published' | 'status write' | 'snapshot';

/**
 * Where audience-sync's time goes: its commits (per chunk of changes, one membership-log insert,
 * then the publishing of their events with JetStream acks and the mark that they were published,
 * which overlap the next chunk's insert), its status writes and its snapshots. Wraps the
 * service's own objects' methods in this process; behaviour is unchanged.
 */
export function timeAudienceSync({ engine }: RunningAudienceService) {
  const empty = (): StageTotals => ({
    commit: { calls: 0, ms: 0 },
    'log append': { calls: 0, ms: 0 },
    'log mark published': { calls: 0, ms: 0 },
    'status write': { calls: 0, ms: 0 },
    snapshot: { calls: 0, ms: 0 },
  });
  let totals = empty();
  const time = (stage: AudienceSyncStage, target: object, method: string) => {
    const methods = target as Record<string, AsyncMethod>;
    const original = methods[method]?.bind(target);
    if (!original) throw new Error(`audience-sync has no ${method} to time`);
    methods[method] = async (...args) => {
      const start = performance.now();
      try {
        return await original(...args);
      } finally {
        totals[stage].calls++;
        totals[stage].ms += performance.now() - start;
      }
    };
  };
  const { membership, audiences } = engine.deps.repos;
  time('commit', engine.commits, 'commit');
  time('log append', membership, 'append');
  time('log mark published', membership, 'markPublished');
  time('status write', audiences, 'setStatus');
  time('snapshot', membership, 'snapshot');
  return {
    /** What was timed since the last call, and starts over. */
    take(): StageTotals {
      const taken = totals;
      totals = empty();
      return taken;
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const each = ({ calls, ms }: { calls: number; ms: number }) =>
  calls === 0 ? '' : ` (${Math.round(ms / calls)} ms each)`;

/** Two lines: the commits (their log inserts apart from the rest), and the time outside them. */
export function describeStages(stages: StageTotals, wallMs: number): string[] {
  const { commit } = stages;
  const append = stages['log append'];
  // Status writes inside commits (progress per chunk) and outside (building, live) are not told apart.
  return [
    `${commit.calls} commits, ${append.calls} log chunks, ${seconds(commit.ms)}: log inserts ${seconds(append.ms)}${each(append)} + the rest ${seconds(commit.ms - append.ms)} (events built; published with acks awaited and marked, ${seconds(stages['log mark published'].ms)} in marks; progress writes)`,
    `outside commits ${seconds(wallMs - commit.ms)}: evaluation, definition and status writes (${stages['status write'].calls} status writes, ${seconds(stages['status write'].ms)} in all), ${stages.snapshot.calls} snapshots ${seconds(stages.snapshot.ms)}, idle or waiting for the event`,
  ];
}
