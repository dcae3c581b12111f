import { randomBytes } from 'node:crypto';
import type { Bus } from '@prism/bus';

/** A subject prefix (and stream-name prefix) and database name of a benchmark's own, like the tests' isolatedInfra. */
export function benchNamespace() {
  const suffix = randomBytes(4).toString('hex');
  return { prefix: `bench${suffix}`, dbName: `bench_${suffix}` };
}

/** Deletes every stream created under the prefix. */
export async function deleteStreams(bus: Bus, prefix: string) {
  for await (const stream of bus.jsm.streams.list()) {
    if (stream.config.name.startsWith(`${prefix.toUpperCase()}_`))
      await bus.jsm.streams.delete(stream.config.name);
  }
}
