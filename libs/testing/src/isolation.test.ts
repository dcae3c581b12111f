import { MongoClient } from 'mongodb';
import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { isolatedInfra } from './isolation.js';

describe('isolated infrastructure for a test file', () => {
  it('gives each caller its own database name and subject prefix on the shared servers', () => {
    const a = isolatedInfra();
    const b = isolatedInfra();
    expect(a.dbName).not.toBe(b.dbName);
    expect(a.subjectPrefix).not.toBe(b.subjectPrefix);
    expect(a.subjectPrefix).toMatch(/^t[0-9a-f]{8}$/);
    expect(a.natsUrl).toBe(b.natsUrl);
  });

  it('drops its databases and deletes its streams on cleanup, leaving the others', async () => {
    const mine = isolatedInfra();
    const other = isolatedInfra();
    const mongo = await MongoClient.connect(mine.mongoUrl);
    const nc = await connect({ servers: mine.natsUrl });
    const jsm = await nc.jetstreamManager();
    try {
      await mongo.db(mine.dbName).collection('things').insertOne({ spaceId: 's' });
      await mongo.db(mine.databaseFor('persona')).collection('things').insertOne({ spaceId: 's' });
      await mongo.db(other.dbName).collection('things').insertOne({ spaceId: 's' });
      await jsm.streams.add({
        name: `${mine.subjectPrefix.toUpperCase()}_X`,
        subjects: [`${mine.subjectPrefix}.x`],
      });
      await jsm.streams.add({
        name: `${other.subjectPrefix.toUpperCase()}_X`,
        subjects: [`${other.subjectPrefix}.x`],
      });

      await mine.cleanup();

      const databases = (await mongo.db().admin().listDatabases({ nameOnly: true })).databases.map(
        (d) => d.name,
      );
      expect(databases).not.toContain(mine.dbName);
      expect(databases).not.toContain(mine.databaseFor('persona'));
      expect(databases).toContain(other.dbName);
      const streams: string[] = [];
      for await (const s of jsm.streams.list()) streams.push(s.config.name);
      expect(streams).not.toContain(`${mine.subjectPrefix.toUpperCase()}_X`);
      expect(streams).toContain(`${other.subjectPrefix.toUpperCase()}_X`);
    } finally {
      await other.cleanup();
      await nc.close();
      await mongo.close();
    }
  });
});
