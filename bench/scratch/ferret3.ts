import { MongoClient } from 'mongodb';

const client = await MongoClient.connect('mongodb://127.0.0.1:27017/');
const db = client.db('scratch3_' + Date.now());
const c = db.collection<any>('docs');
const N = 20000;
for (let i = 0; i < N; i += 1000)
  await c.insertMany(
    Array.from({ length: 1000 }, (_, j) => ({ _id: `d${i + j}`, spaceId: 's', v: 1, body: 'x'.repeat(500) })),
  );
async function time(label: string, f: () => Promise<unknown>) {
  const t = performance.now();
  for (let k = 0; k < 20; k++) await f();
  console.log(label.padEnd(40), ((performance.now() - t) / 20).toFixed(2), 'ms/op');
}
await time('findOne first _id', () => c.findOne({ _id: 'd0' }));
await time('findOne last _id', () => c.findOne({ _id: `d${N - 1}` }));
await time('findOne last {_id,spaceId}', () => c.findOne({ _id: `d${N - 1}`, spaceId: 's' }));
await time('find $in 2 last', () => c.find({ _id: { $in: [`d${N - 1}`, `d${N - 2}`] } }).toArray());
await time('updateOne first', () => c.updateOne({ _id: 'd0' }, { $set: { v: 2 } }));
await client.close();
