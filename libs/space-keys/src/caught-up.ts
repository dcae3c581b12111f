/** What a stream holds now: JetStream's stream state. */
export interface StreamState {
  messages: number;
  last_seq: number;
}

interface Waiter {
  seq: number;
  done: () => void;
}

/**
 * Whether a follower has applied everything its stream held when someone asked. One look at the
 * stream is in flight at a time; callers that come meanwhile share the next one, which starts
 * after theirs arrived, so a caller is never answered from a look older than its question.
 */
export class CaughtUp {
  private appliedSeq = 0;
  private waiters: Waiter[] = [];
  private looking?: Promise<number>;
  private nextLook?: Promise<number>;

  constructor(private readonly streamState: () => Promise<StreamState>) {}

  /** The follower applied the message at `seq` (and all before it). */
  reached(seq: number): void {
    this.appliedSeq = Math.max(this.appliedSeq, seq);
    const ready = this.waiters.filter((waiter) => waiter.seq <= this.appliedSeq);
    this.waiters = this.waiters.filter((waiter) => waiter.seq > this.appliedSeq);
    for (const waiter of ready) waiter.done();
  }

  /** Resolves once what the stream holds now is applied; rejects after `timeoutMs` (looking included). */
  async wait(timeoutMs: number, what = 'the stream'): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    let timedOut = false;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`${what} were not applied within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    const applied = this.look().then(
      (seq) =>
        new Promise<void>((done) => {
          if (seq <= this.appliedSeq || timedOut) return done();
          waiter = { seq, done };
          this.waiters.push(waiter);
        }),
    );
    try {
      await Promise.race([applied, late]);
    } finally {
      clearTimeout(timer);
      this.waiters = this.waiters.filter((other) => other !== waiter);
    }
  }

  /** The sequence to reach: the stream's last, or 0 when it holds nothing (purged). */
  private look(): Promise<number> {
    if (!this.looking) {
      this.looking = this.streamState()
        .then((state) => (state.messages === 0 ? 0 : state.last_seq))
        .finally(() => {
          this.looking = undefined;
        });
      return this.looking;
    }
    this.nextLook ??= this.looking
      .catch(() => 0)
      .then(() => {
        this.nextLook = undefined;
        return this.look();
      });
    return this.nextLook;
  }
}
