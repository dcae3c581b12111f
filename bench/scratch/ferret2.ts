import { MongoClient } from 'mongodb';

const client = await MongoClient.connect('mongodb://127.0.0.1:27017/');
const db = client.db('scratch2_' + Date.now());
const c = db.collection<any>('docs');
const pad = (n: number) => 'x'.repeat(n);
async function time(label: string, n: number, f: () => Promise<unknown>) {
  const t = performance.now();
  await f();
  const d = performance.now() - t;
  console.log(label.padEnd(50), d.toFixed(1), 'ms', ((n / d) * 1000).toFixed(0), 'ops/s');
}
const N = Number(process.env.N ?? 6000);
const doc = (i: number, v = 1) => ({ _id: `d${i}`, spaceId: 's', version: v, body: pad(500) });
for (let i = 0; i < N; i += 1000) await c.insertMany(Array.from({ length: 1000 }, (_, j) => doc(i + j)));
const ids = Array.from({ length: 100 }, (_, i) => i);
await time('findOne {_id} x100', 100, async () => {
  for (const i of ids) await c.findOne({ _id: `d${i}` });
});
await time('findOne {_id, spaceId} x100', 100, async () => {
  for (const i of ids) await c.findOne({ _id: `d${i}`, spaceId: 's' });
});
await time('replaceOne {_id} x100', 100, async () => {
  for (const i of ids) await c.replaceOne({ _id: `d${i}` }, doc(i, 2));
});
await time('replaceOne {_id, version} x100', 100, async () => {
  for (const i of ids) await c.replaceOne({ _id: `d${i}`, version: 2 }, doc(i, 3));
});
await time('updateOne {_id} $set x100', 100, async () => {
  for (const i of ids) await c.updateOne({ _id: `d${i}` }, { $set: { version: 4 } });
});
await time('concurrent replaceOne {_id} x100 (8 at a time)', 100, async () => {
  const q = [...ids];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = q.shift(); i !== undefined; i = q.shift()) await c.replaceOne({ _id: `d${i}` }, doc(i, 5));
    }),
  );
});
await time('deleteMany {_id $in} x100', 100, () => c.deleteMany({ _id: { $in: ids.map((i) => `d${i}`) } }));
await time('insertMany 100 (reinsert)', 100, () => c.insertMany(ids.map((i) => doc(i, 6))));
await time('deleteOne {_id} x100', 100, async () => {
  for (const i of ids) await c.deleteOne({ _id: `d${i}` });
});
await client.close();
