import type { Person } from '@prism/population';

/**
 * The ingest side of the load: batches to the HTTP Tracking API (`POST /v1/batch`, write key as
 * Basic auth), each resent with the same messageIds until the service answers 200, as Segment's
 * SDKs do. An event counts as accepted once a 200 answered a batch holding it.
 */

const BATCH_SIZE = 20;
const SEND_TIMEOUT_MS = 5_000;
const RETRY_MS = 100;
/** Every fourth message changes the `plan` trait the chaos audience selects on. */
const IDENTIFY_EVERY = 4;

interface TrackingMessage {
  type: 'identify' | 'track';
  messageId: string;
  userId: string;
  traits?: Record<string, unknown>;
  event?: string;
  properties?: Record<string, unknown>;
}

export interface IngestFigures {
  /** Distinct messages sent (each batch once, however often it was resent). */
  sent: number;
  accepted: number;
  /** POSTs made, resends included. */
  requests: number;
  /** Why a POST was not answered 200, by status or error code. */
  refused: Record<string, number>;
}

export class IngestLoad {
  /** messageId → userId of every accepted message. */
  readonly accepted = new Map<string, string>();
  /** When a batch was last accepted (epoch ms). */
  lastAcceptedAt = 0;
  private sent = 0;
  private requests = 0;
  private readonly refused: Record<string, number> = {};
  private sequence = 0;
  private running = false;
  private senders: Promise<void>[] = [];

  constructor(
    private readonly url: string,
    private readonly writeKey: string,
    private readonly people: Person[],
  ) {}

  /** Each person once, with the traits segment generation and the personas' audiences read. */
  async plantPopulation(): Promise<void> {
    const identifies = this.people.map((person) => ({
      type: 'identify' as const,
      messageId: `identify-${person.id}`,
      userId: person.id,
      traits: { ...person.traits, plan: 'free' },
    }));
    for (let i = 0; i < identifies.length; i += BATCH_SIZE)
      await this.send(identifies.slice(i, i + BATCH_SIZE));
  }

  /** `concurrency` senders, each sending its next batch once the last one was accepted. */
  start(concurrency: number): void {
    this.running = true;
    this.senders = Array.from({ length: concurrency }, async () => {
      while (this.running) await this.send(this.nextBatch());
    });
  }

  /** Stops making batches; resolves once every batch sent so far was accepted. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.senders);
  }

  figures(): IngestFigures {
    return {
      sent: this.sent,
      accepted: this.accepted.size,
      requests: this.requests,
      refused: { ...this.refused },
    };
  }

  private nextBatch(): TrackingMessage[] {
    return Array.from({ length: BATCH_SIZE }, () => {
      const n = this.sequence++;
      const person = this.people[(n * 7) % this.people.length] as Person;
      const base = { messageId: `chaos-${n}`, userId: person.id };
      return n % IDENTIFY_EVERY === 0
        ? { ...base, type: 'identify' as const, traits: { plan: n % 3 === 0 ? 'pro' : 'free', chaos_seq: n } }
        : { ...base, type: 'track' as const, event: 'Chaos Ping', properties: { seq: n } };
    });
  }

  /** Posts the batch until a 200; the same messageIds every time, so a resend is deduplicated. */
  private async send(batch: TrackingMessage[]): Promise<void> {
    this.sent += batch.length;
    for (;;) {
      this.requests++;
      const outcome = await this.post(batch);
      if (outcome === 'accepted') break;
      this.refused[outcome] = (this.refused[outcome] ?? 0) + 1;
      await new Promise((done) => setTimeout(done, RETRY_MS));
    }
    for (const message of batch) this.accepted.set(message.messageId, message.userId);
    this.lastAcceptedAt = Date.now();
  }

  private async post(batch: TrackingMessage[]): Promise<string> {
    try {
      const response = await fetch(`${this.url}/v1/batch`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${this.writeKey}:`).toString('base64')}`,
        },
        body: JSON.stringify({ batch }),
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      return response.status === 200 ? 'accepted' : `HTTP ${response.status}`;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause;
      return cause?.code ?? (error as Error).name;
    }
  }
}
