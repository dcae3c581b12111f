import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { inject } from 'vitest';

export interface IsolatedInfra {
  natsUrl: string;
  mongoUrl: string;
  /** A database name no other test file uses. */
  dbName: string;
  /** A subject prefix (and stream-name prefix) no other test file uses, e.g. `t3f9a1c`. */
  subjectPrefix: string;
  /** Drops the database and every stream created under the prefix. */
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
  return {
    natsUrl,
    mongoUrl,
    dbName: `test_${suffix}`,
    subjectPrefix,
    async cleanup() {
      await Promise.all([dropDatabase(mongoUrl, `test_${suffix}`), deleteStreams(natsUrl, subjectPrefix)]);
    },
  };
}

async function dropDatabase(mongoUrl: string, dbName: string) {
  const client = await MongoClient.connect(mongoUrl);
  try {
    await client.db(dbName).dropDatabase();
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
