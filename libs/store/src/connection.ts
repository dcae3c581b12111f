import { type Db, MongoClient } from 'mongodb';

export interface MongoConnection {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

/**
 * No wait on the server is unbounded: an answer that never comes (a server restarted under the
 * request) fails the operation after SOCKET_TIMEOUT_MS, and so does waiting for a pooled
 * connection, so a caller retries instead of holding its space's queue forever. No single
 * operation of Prism's is meant to take that long.
 */
const SOCKET_TIMEOUT_MS = 60_000;

/** Connects to a MongoDB-wire server (MongoDB 7 or FerretDB) and selects one database. */
export async function connectMongo(url: string, dbName: string): Promise<MongoConnection> {
  const client = await MongoClient.connect(url, {
    serverSelectionTimeoutMS: 10_000,
    socketTimeoutMS: SOCKET_TIMEOUT_MS,
    waitQueueTimeoutMS: SOCKET_TIMEOUT_MS,
  });
  return { client, db: client.db(dbName), close: () => client.close() };
}
