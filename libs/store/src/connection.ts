import { type Db, MongoClient } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/** Connects to a MongoDB-wire server (MongoDB 7 or FerretDB) and selects one database. */
export async function connectMongo(url: string, dbName: string): Promise<MongoConnection> {
  const client = await MongoClient.connect(url, { serverSelectionTimeoutMS: 10_000 });
  return { client, db: client.db(dbName), close: () => client.close() };
}
