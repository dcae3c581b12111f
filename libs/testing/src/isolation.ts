import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { inject } from 'vitest';

export interface IsolatedInfra {
  natsUrl: string;
  mongoUrl: string;
  /** A database name no other test file uses. */
  dbName: string;
  /** Another database of this namespace, e.g. one per service as in production; dropped by cleanup too. */
  databaseFor(owner: string): string;
  /** A subject prefix (and stream-name prefix) no other test file uses, e.g. `t3f9a1c`. */
  subjectPrefix: string;
  /** Drops the databases and every stream created under the prefix. */
  cleanup(): Promise<void>;
}

/**
 * Gives one test file its own database and its own subject/stream namespace on the
 * shared real servers, so files run in parallel without seeing each other's data.
 */
export function isolatedInfra(): IsolatedInfra {
  const natsUrl = inject('natsUrl');
  const mongoUrl = inject('mongoUrl');
  const suffix = randomBytes(4).toString('hex');
  const subjectPrefix = `t${suffix}`;
  const dbName = `test_${suffix}`;
  const databases = new Set([dbName]);
  return {
    natsUrl,
    mongoUrl,
    dbName,
    subjectPrefix,
    databaseFor(owner) {
      const name = `${dbName}_${owner}`;
      databases.add(name);
      return name;
    },
    async cleanup() {
      await Promise.all([dropDatabases(mongoUrl, [...databases]), deleteStreams(natsUrl, subjectPrefix)]);
    },
  };
}

async function dropDatabases(mongoUrl: string, names: string[]) {
  const client = await MongoClient.connect(mongoUrl);
  try {
    for (const name of names) await client.db(name).dropDatabase();
  } finally {
    await client.close();
  }
}

async function deleteStreams(natsUrl: string, subjectPrefix: string) {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const streamPrefix = subjectPrefix.toUpperCase();
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${streamPrefix}_`)) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await nc.close();
  }
}
