import type { IngestMarks } from '../store/ingest-marks.js';

/** What the guard reads of a delivery. */
export interface Sequenced {
  /** Its ingest-stream sequence. */
  seq: number;
  /** 1 on its first delivery to the consumer (as far as the consumer's state remembers). */
  deliveryCount: number;
}

interface SpaceMark {
  settledThrough: number;
  /** Received and not settled yet (in work, or nak'd and waiting to come back). */
  unsettled: Set<number>;
  /** The highest sequence settled. */
  highest: number;
  /** The last write of settledThrough: writes go one after another, so it only rises. */
  writing: Promise<void>;
}

/**
 * Keeps a replayed ingest stream from being applied twice. Each profile remembers its last 500
 * message ids, which covers redeliveries; it does not cover a consumer that lost its state and
 * delivers the stream again from the start (NATS can reset a durable's ack floor when it rebuilds
 * a stream after an unclean stop, nats-server#8036). A pull consumer's first deliveries come in
 * stream order, so a first delivery at or below what the space has settled is such a replay,
 * acknowledged without applying it. "Settled" stops below any delivery still in work or waiting
 * after a nak, so nothing unapplied is ever skipped; it is stored per space after each apply.
 */
export class ReplayGuard {
  private readonly spaces = new Map<string, Promise<SpaceMark>>();

  constructor(private readonly marks: IngestMarks) {}

  /** Whether to skip the delivery: a first delivery of what the space has already settled. */
  async isReplay(spaceId: string, delivery: Sequenced): Promise<boolean> {
    const mark = await this.markOf(spaceId);
    if (delivery.deliveryCount === 1 && delivery.seq <= mark.settledThrough) return true;
    mark.unsettled.add(delivery.seq);
    return false;
  }

  /** Deliveries applied (or dead-lettered): the mark rises to just below the oldest still unsettled. */
  async settled(spaceId: string, seqs: readonly number[]): Promise<void> {
    const mark = await this.markOf(spaceId);
    for (const seq of seqs) {
      mark.unsettled.delete(seq);
      mark.highest = Math.max(mark.highest, seq);
    }
    const through = mark.unsettled.size === 0 ? mark.highest : Math.min(...mark.unsettled) - 1;
    if (through <= mark.settledThrough) return;
    mark.settledThrough = through;
    // A failed write leaves the stored mark lower: safe, the next one raises it.
    mark.writing = mark.writing.then(() => this.marks.settle(spaceId, through)).catch(() => undefined);
    await mark.writing;
  }

  private markOf(spaceId: string): Promise<SpaceMark> {
    let mark = this.spaces.get(spaceId);
    if (!mark) {
      mark = this.marks.settledThrough(spaceId).then((settledThrough) => ({
        settledThrough,
        unsettled: new Set<number>(),
        highest: settledThrough,
        writing: Promise.resolve(),
      }));
      mark.catch(() => this.spaces.delete(spaceId));
      this.spaces.set(spaceId, mark);
    }
    return mark;
  }
}
