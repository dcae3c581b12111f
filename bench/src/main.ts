import { cpus, totalmem } from 'node:os';
import { type Infrastructure, resolveInfrastructure } from '@prism/infra';
import { benchApproachSwitch } from './approach-switch.js';
import { benchCommandToConsumer } from './outbox-latency.js';
import { benchProfileService } from './profile-ingest.js';
import { benchSegmentClustering } from './segment-clustering.js';
import { benchStorageFloor } from './storage-floor.js';

/** `pnpm bench`: every benchmark, figures printed with the peer each compares against. */
const benchmarks: Record<string, (infra: Infrastructure) => Promise<void>> = {
  outbox: benchCommandToConsumer,
  storage: (infra) => benchStorageFloor(infra),
  profile: benchProfileService,
  switch: benchApproachSwitch,
  segments: () => benchSegmentClustering(),
};
// BENCH_ONLY=profile (or a comma-separated list) runs only those; unset runs all.
const only = process.env.BENCH_ONLY?.split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = only?.filter((name) => !(name in benchmarks)) ?? [];
if (unknown.length > 0) {
  console.error(
    `BENCH_ONLY: unknown ${unknown.join(', ')}; choose from ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(2);
}

const infra = await resolveInfrastructure();
const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Prism benchmarks — ${new Date().toISOString()} — ${machine}`);
console.log(`NATS ${infra.natsUrl}, Mongo-wire ${infra.mongoUrl} (${infra.source})\n`);
for (const [name, run] of Object.entries(benchmarks)) {
  if (!only || only.includes(name)) await run(infra);
}
await infra.release();
process.exit(0);
