import { MongoClient } from 'mongodb';

const client = await MongoClient.connect('mongodb://127.0.0.1:27017/', { serverSelectionTimeoutMS: 3000 });
console.log(await client.db('admin').command({ ping: 1 }));
const db = client.db('scratch_ping');
console.log(await db.collection('x').insertOne({ a: 1 }));
await client.close();
