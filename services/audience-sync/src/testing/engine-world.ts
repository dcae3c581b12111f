import { type Bus, connectBus, ensureServiceStreams } from '@prism/bus';
import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll } from 'vitest';
import { type AudienceRepositories, openRepositories } from '../store/repositories.js';

/** What a test of the engine works with: the repositories on its own database, and its bus. */
export interface EngineWorld {
  repos: AudienceRepositories;
  bus: Bus;
}

/**
 * A database and NATS subjects of the test file's own, with audience-sync's stream and
 * repositories, opened before its tests and removed after them. Read `repos` and `bus` inside tests.
 */
export function engineWorld(name: string): EngineWorld {
  const infra = isolatedInfra();
  const world = {} as EngineWorld;
  let mongo: MongoConnection | undefined;
  beforeAll(async () => {
    mongo = await connectMongo(infra.mongoUrl, infra.dbName);
    world.bus = await connectBus({ servers: infra.natsUrl, name, prefix: infra.subjectPrefix });
    await ensureServiceStreams(world.bus.jsm, infra.subjectPrefix, ['audience']);
    world.repos = await openRepositories(mongo.db);
  });
  afterAll(async () => {
    await world.bus?.close();
    await mongo?.close();
    await infra.cleanup();
  });
  return world;
}
