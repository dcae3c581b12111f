import { performance } from 'node:perf_hooks';
import type { RunningProfileService } from '@prism/profile/app';
import { ms, summarize } from './stats.js';

type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/** Wraps `target[method]` (an async method) to record how long each call took; behaviour is unchanged. */
export function timeCalls(target: object, method: string, samples: number[]) {
  const methods = target as Record<string, AsyncMethod>;
  const original = methods[method]?.bind(target);
  if (!original) throw new Error(`no method ${method} to time`);
  methods[method] = async (...args) => {
    const start = performance.now();
    try {
      return await original(...args);
    } finally {
      samples.push(performance.now() - start);
    }
  };
}

/**
 * Where the ingest pipeline's time goes: each applied batch (`pipeline.ingest`, the consumer's
 * call) and its MongoDB writes and JetStream publishes. Whatever is left is planning in memory
 * and waiting for the space's single writer.
 */
export function timePipelineStages({ pipeline }: RunningProfileService) {
  const stages = {
    batch: [] as number[],
    'outbox hold': [] as number[],
    'store writeBatch': [] as number[],
    'publish profile.*': [] as number[],
    'outbox clear': [] as number[],
  };
  timeCalls(pipeline, 'ingest', stages.batch);
  timeCalls(pipeline.options.outbox, 'hold', stages['outbox hold']);
  timeCalls(pipeline.options.store, 'writeBatch', stages['store writeBatch']);
  timeCalls(pipeline, 'publishAll', stages['publish profile.*']);
  timeCalls(pipeline.options.outbox, 'published', stages['outbox clear']);
  return {
    /** Batches applied so far, and one line per stage: calls, total seconds, p50/p99 per call. */
    summary: () => ({
      batches: stages.batch.length,
      lines: Object.entries(stages).map(([name, samples]) => {
        const s = summarize(samples);
        const total = samples.reduce((sum, sample) => sum + sample, 0) / 1000;
        return `${name.padEnd(18)} ${String(s.count).padStart(5)} calls, ${total.toFixed(1).padStart(6)} s in all, p50 ${ms(s.p50).padStart(10)}, p99 ${ms(s.p99).padStart(10)}`;
      }),
    }),
  };
}

/** A pino destination that counts the service's warn/error lines and keeps their distinct messages. */
export function logTally() {
  const lines = new Map<string, number>();
  return {
    lines,
    write(line: string) {
      const { level, msg } = JSON.parse(line) as { level: string; msg: string };
      const key = `${level}: ${msg}`;
      lines.set(key, (lines.get(key) ?? 0) + 1);
    },
    summary: () =>
      [...lines].map(([key, count]) => `${count}× "${key}"`).join('; ') || 'no warnings or errors',
    reset: () => lines.clear(),
  };
}
