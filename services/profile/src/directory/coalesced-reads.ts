/**
 * Reads by key, one query for whatever was asked while the previous query was out: under load
 * (GetProfile at a thousand calls a second) a query carries many keys, idle it carries one and
 * waits for nothing. `query` answers the keys it found, at most `max` at a time.
 */
export class CoalescedReads<K, V> {
  private queued: { key: K; resolve(value: V | undefined): void; reject(error: unknown): void }[] = [];
  private reading = false;

  constructor(
    private readonly query: (keys: K[]) => Promise<Map<K, V>>,
    private readonly max = 500,
  ) {}

  read(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.queued.push({ key, resolve, reject });
      if (!this.reading) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.reading = true;
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.max);
      try {
        const found = await this.query(batch.map(({ key }) => key));
        for (const { key, resolve } of batch) resolve(found.get(key));
      } catch (error) {
        for (const { reject } of batch) reject(error);
      }
    }
    this.reading = false;
  }
}
