import { type Infrastructure, resolveInfrastructure } from '@prism/infra';
import { benchApproachSwitch } from './approach-switch.js';
import { benchAudienceIndex } from './audience-index.js';
import { benchAudiences } from './audiences.js';
import { benchDestinations } from './destinations.js';
import { benchLookalikes } from './lookalikes.js';
import { benchCommandToConsumer } from './outbox-latency.js';
import { benchProfileService } from './profile-ingest.js';
import { benchProfileScale } from './profile-scale.js';
import { BENCH_REPORT_PATH, describeMachine, type Figures, recordFigures } from './report.js';
import { benchSegmentClustering } from './segment-clustering.js';
import { benchStorageFloor } from './storage-floor.js';

/**
 * `pnpm bench`: every benchmark, figures printed with the peer each compares against and merged
 * into reports/bench.json by name.
 */
const benchmarks: Record<string, (infra: Infrastructure) => Promise<Figures>> = {
  outbox: benchCommandToConsumer,
  storage: (infra) => benchStorageFloor(infra),
  profile: benchProfileService,
  'profile-scale': benchProfileScale,
  switch: benchApproachSwitch,
  segments: () => benchSegmentClustering(),
  audiences: benchAudiences,
  'audience-index': benchAudienceIndex,
  lookalikes: () => benchLookalikes(),
  destinations: benchDestinations,
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
console.log(`Prism benchmarks — ${new Date().toISOString()} — ${describeMachine()}`);
console.log(`NATS ${infra.natsUrl}, Mongo-wire ${infra.mongoUrl} (${infra.source})\n`);
let recorded = false;
for (const [name, run] of Object.entries(benchmarks)) {
  // Recorded after each benchmark, so a later one failing keeps the figures of those before it.
  if (!only || only.includes(name)) recorded = Boolean(await recordFigures(await run(infra))) || recorded;
}
console.log(
  recorded
    ? `Figures merged into ${BENCH_REPORT_PATH}`
    : `No figures recorded: ${BENCH_REPORT_PATH} unchanged`,
);
await infra.release();
process.exit(0);
