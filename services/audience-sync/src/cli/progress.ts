import { setTimeout as sleep } from 'node:timers/promises';
import { type Audience, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { SingleBar } from 'cli-progress';
import { stateOf } from './render.js';

const POLL_MS = 250;

/**
 * Shows an audience's computation as a progress bar (its `status.progress`, read with `read`)
 * until it is live, and answers it then; throws if it failed. `requested` is the call that
 * started the computation: the service may still show the previous state (LIVE) until it
 * starts, so the computation counts as over only once that call has answered.
 */
export async function followComputation(
  read: () => Promise<Audience>,
  requested: Promise<unknown> = Promise.resolve(),
): Promise<Audience> {
  let answered = false;
  let failure: unknown;
  const settled = requested.then(
    () => {
      answered = true;
    },
    (error: unknown) => {
      failure = error;
    },
  );
  const bar = new SingleBar({ format: '{bar} {percentage}% | {state}', hideCursor: true });
  bar.start(100, 0, { state: 'building' });
  try {
    for (;;) {
      if (failure) throw failure;
      const audience = await read();
      const { status } = audience;
      bar.update(Math.round((status?.progress ?? 0) * 100), { state: stateOf(status?.state) });
      if (answered && status?.state !== ComputeState.COMPUTE_STATE_BUILDING) {
        if (status?.state === ComputeState.COMPUTE_STATE_FAILED)
          throw new Error(`audience ${audience.key} failed to compute: ${status.error}`);
        bar.update(100);
        return audience;
      }
      // Until the call answers, its answer (or failure) ends the wait early.
      await (answered ? sleep(POLL_MS) : Promise.race([settled, sleep(POLL_MS)]));
    }
  } finally {
    bar.stop();
  }
}

/**
 * A bar of members written out of the export's total, on stderr so that it never mixes with
 * an export written to stdout. It appears with the first batch, which carries the total.
 */
export function exportProgress() {
  const bar = new SingleBar({
    format: '{bar} {value}/{total} members',
    hideCursor: true,
    stream: process.stderr,
  });
  let started = false;
  return {
    written(count: number, total: number) {
      if (!started) bar.start(total, 0);
      started = true;
      bar.increment(count);
    },
    stop: () => bar.stop(),
  };
}
