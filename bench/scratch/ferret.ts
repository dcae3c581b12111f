import { MongoClient } from 'mongodb';

const client = await MongoClient.connect('mongodb://127.0.0.1:27017/');
const db = client.db('scratch_' + Date.now());

const c = db.collection<any>('docs');
const pad = (n: number) => 'x'.repeat(n);
async function time(label: string, n: number, f: () => Promise<unknown>) {
  const t = performance.now();
  await f();
  const d = performance.now() - t;
  console.log(label.padEnd(50), d.toFixed(1), 'ms', ((n / d) * 1000).toFixed(0), 'docs/s');
}
let id = 0;
const doc = (size: number) => ({
  _id: `d${id++}`,
  spaceId: 's',
  version: 1,
  body: pad(size),
  list: Array.from({ length: 10 }, (_, i) => `m${i}`),
});
await time('insertMany 1000 x 500B', 1000, () => c.insertMany(Array.from({ length: 1000 }, () => doc(500))));
await time('insertMany 5000 x 500B', 5000, () => c.insertMany(Array.from({ length: 5000 }, () => doc(500))));
await time('insertMany 100 x 30KB', 100, () => c.insertMany(Array.from({ length: 100 }, () => doc(30000))));
const ids = Array.from({ length: 500 }, (_, i) => `d${i}`);
await time('replaceOne x500 sequential', 500, async () => {
  for (const i of ids) await c.replaceOne({ _id: i, version: 1 }, { ...doc(500), _id: i, version: 2 });
});
await time('bulkWrite replaceOne x500 unordered', 500, () =>
  c.bulkWrite(
    ids.map((i) => ({
      replaceOne: { filter: { _id: i, version: 2 }, replacement: { ...doc(500), _id: i, version: 3 } },
    })),
    { ordered: false },
  ),
);
await time('bulkWrite updateOne $set x500 unordered', 500, () =>
  c.bulkWrite(
    ids.map((i) => ({
      updateOne: { filter: { _id: i, version: 3 }, update: { $set: { version: 4, body: pad(400) } } },
    })),
    { ordered: false },
  ),
);
await time('deleteMany by _id $in 500', 500, () => c.deleteMany({ _id: { $in: ids } }));
await time('insertMany 500 (reinsert)', 500, () => c.insertMany(ids.map((i) => ({ ...doc(500), _id: i }))));
await time('find _id $in 500', 500, () => c.find({ _id: { $in: ids } }).toArray());
await time('find all', 6600, () => c.find({ spaceId: 's' }).toArray());
await client.close();
