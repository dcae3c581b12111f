import { type Audience, AudienceKind, ComputeState } from '@prism/proto/prism/audience/v1/audience';
import { describe, expect, it } from 'vitest';
import { followComputation } from './progress.js';

const audience = (state: ComputeState, progress: number, error = ''): Audience => ({
  id: 'audience_1',
  key: 'pro_users',
  name: 'Pro users',
  description: '',
  kind: AudienceKind.AUDIENCE_KIND_DYNAMIC,
  version: 1,
  size: 7,
  status: { state, progress, error },
});
const {
  COMPUTE_STATE_BUILDING: BUILDING,
  COMPUTE_STATE_LIVE: LIVE,
  COMPUTE_STATE_FAILED: FAILED,
} = ComputeState;

/** Reads that answer the given states in turn, the last one from then on; counts the reads. */
function states(...sequence: Audience[]) {
  const reads = { count: 0 };
  const read = async () => sequence[Math.min(reads.count++, sequence.length - 1)] as Audience;
  return { read, reads };
}

describe('following a computation', () => {
  it('reads until the audience is live, through its building states', async () => {
    const { read, reads } = states(audience(BUILDING, 0), audience(BUILDING, 0.5), audience(LIVE, 1));
    expect((await followComputation(read)).status?.state).toBe(LIVE);
    expect(reads.count).toBe(3);
  });

  it('does not take the state from before the request for its outcome: it waits for the call to answer', async () => {
    const { read, reads } = states(audience(LIVE, 1));
    let answer = () => {};
    const requested = new Promise<void>((resolve) => {
      answer = resolve;
    });
    const followed = followComputation(read, requested);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(reads.count).toBeGreaterThan(1);
    const readsBeforeAnswer = reads.count;
    answer();
    await followed;
    expect(reads.count).toBe(readsBeforeAnswer + 1);
  });

  it("fails with the service's reason when the computation failed", async () => {
    const { read } = states(audience(BUILDING, 0.2), audience(FAILED, 0, 'profile service unavailable'));
    await expect(followComputation(read)).rejects.toThrow(
      'audience pro_users failed to compute: profile service unavailable',
    );
  });

  it('fails with the error of the request that started the computation', async () => {
    const { read } = states(audience(LIVE, 1));
    const refused = Promise.reject(new Error('NOT_FOUND: audience "x" not found'));
    await expect(followComputation(read, refused)).rejects.toThrow('NOT_FOUND: audience "x" not found');
  });
});
