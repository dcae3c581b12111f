/**
 * Reads by key, one query for whatever was asked while the previous query was out: under load
 * (GetProfile at a thousand calls a second) a query carries many keys, idle it carries one. A
 * read that finds no query out lingers `lingerMs` for company first (as Kafka's producer
 * lingers): FerretDB spends ≈ 1.7 ms on a query and ≈ 0.25 ms on each key it returns, so at a
 * thousand single-key queries a second it saturates a core where a few keys a query do not.
 * `query` answers the keys it found, at most `max` at a time.
 */
export class CoalescedReads<K, V> {
  private queued: { key: K; resolve(value: V | undefined): void; reject(error: unknown): void }[] = [];
  private reading = false;

  constructor(
    private readonly query: (keys: K[]) => Promise<Map<K, V>>,
    private readonly options: { max?: number; lingerMs?: number } = {},
  ) {}

  read(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      this.queued.push({ key, resolve, reject });
      if (this.reading) return;
      this.reading = true;
      const lingerMs = this.options.lingerMs ?? 0;
      if (lingerMs > 0) setTimeout(() => void this.drain(), lingerMs);
      else void this.drain();
    });
  }

  private async drain(): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued.splice(0, this.options.max ?? 500);
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
