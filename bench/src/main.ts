import { cpus, totalmem } from 'node:os';
import { resolveInfrastructure } from '@prism/infra';
import { benchCommandToConsumer } from './outbox-latency.js';
import { benchStorageFloor } from './storage-floor.js';

/** `pnpm bench`: every benchmark, figures printed with the peer each compares against. */
const infra = await resolveInfrastructure();
const machine = `${cpus().length}× ${cpus()[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
console.log(`Prism benchmarks — ${new Date().toISOString()} — ${machine}`);
console.log(`NATS ${infra.natsUrl}, Mongo-wire ${infra.mongoUrl} (${infra.source})\n`);
await benchCommandToConsumer(infra);
await benchStorageFloor(infra);
await infra.release();
process.exit(0);
