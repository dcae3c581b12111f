import type { PrismEvent } from '@prism/bus';

/**
 * One pending event in an aggregate's `outbox` array (docs/architecture.md §4). The envelope is
 * kept as its JSON text so the relay can `$pullAll` the exact value it read back, which
 * both MongoDB and FerretDB match by equality.
 */
export interface OutboxEntry {
  id: string;
  event: string;
}

export function outboxEntriesOf(events: readonly PrismEvent[]): OutboxEntry[] {
  return events.map((event) => ({ id: event.id, event: JSON.stringify(event) }));
}

export function eventOf(entry: OutboxEntry): PrismEvent {
  return JSON.parse(entry.event) as PrismEvent;
}
