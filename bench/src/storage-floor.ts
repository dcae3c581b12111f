import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Infrastructure } from '@prism/infra';
import { MongoClient } from 'mongodb';
import type { Figures } from './report.js';
import { ms, summarize } from './stats.js';

/**
 * Context for the command path: the latency of one single-document write and one read by id
 * on the same Mongo-wire server. A Prism command plus its relay pass costs about eleven of
 * them (reads, lock insert/delete, the versioned update, the outbox marker and clear).
 */
export async function benchStorageFloor(infra: Infrastructure, operations = 500): Promise<Figures> {
  const client = await MongoClient.connect(infra.mongoUrl);
  const db = client.db(`bench_floor_${randomBytes(3).toString('hex')}`);
  const docs = db.collection<{ _id: string; spaceId: string; version: number }>('floor');
  try {
    await docs.insertOne({ _id: 'doc', spaceId: 'bench', version: 0 });
    const writes: number[] = [];
    const reads: number[] = [];
    for (let version = 0; version < operations; version++) {
      let start = performance.now();
      await docs.updateOne({ _id: 'doc', spaceId: 'bench', version }, { $set: { version: version + 1 } });
      writes.push(performance.now() - start);
      start = performance.now();
      await docs.findOne({ _id: 'doc', spaceId: 'bench' });
      reads.push(performance.now() - start);
    }
    const w = summarize(writes);
    const r = summarize(reads);
    console.log(`Mongo-wire server floor (${operations} sequential operations)`);
    console.log(`  versioned updateOne   p50 ${ms(w.p50).padStart(9)}   p99 ${ms(w.p99).padStart(9)}`);
    console.log(`  findOne by id         p50 ${ms(r.p50).padStart(9)}   p99 ${ms(r.p99).padStart(9)}\n`);
    // The floor under outbox.p50_ms: what one of its storage round trips costs.
    return {
      'storage.update_p50_ms': { value: w.p50, unit: 'ms' },
      'storage.find_p50_ms': { value: r.p50, unit: 'ms' },
    };
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}
