import { Counter, Histogram, type Registry } from 'prom-client';

/** What an operator watches on an outbox: how much goes out, how late, and what fails. */
export class RelayMetrics {
  private readonly published: Counter<'collection'>;
  private readonly delay: Histogram<'collection'>;
  private readonly failures: Counter<'collection'>;

  constructor(registry: Registry) {
    this.published = new Counter({
      name: 'prism_outbox_events_published_total',
      help: 'Events the outbox relay published to JetStream',
      labelNames: ['collection'],
      registers: [registry],
    });
    this.delay = new Histogram({
      name: 'prism_outbox_publish_delay_seconds',
      help: 'From the event being stored (its time) to its publication',
      labelNames: ['collection'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30],
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'prism_outbox_publish_failures_total',
      help: 'Documents whose events could not be published on a pass (retried later)',
      labelNames: ['collection'],
      registers: [registry],
    });
  }

  recordPublished(collection: string, eventTime: string): void {
    this.published.inc({ collection });
    this.delay.observe({ collection }, Math.max(0, (Date.now() - Date.parse(eventTime)) / 1000));
  }

  recordFailure(collection: string): void {
    this.failures.inc({ collection });
  }
}
