import { type Bus, connectBus } from '@prism/bus';
import { createLogger } from '@prism/log';
import { type FollowedSpaceKeys, followSpaceKeys, keySetAnnouncer } from '@prism/space-keys';
import { connectMongo, type MongoConnection } from '@prism/store';
import { eventually, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpaceDirectory } from './directory.js';
import { issueKey, newSpace, revokeKey } from './space.js';
import { SpaceStore } from './store.js';

const infra = isolatedInfra();
const logger = createLogger('key-announcements-test', { level: 'silent' });
let mongo: MongoConnection;
let bus: Bus;
let store: SpaceStore;
let directory: SpaceDirectory;
let followed: FollowedSpaceKeys;

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  bus = await connectBus({
    servers: infra.natsUrl,
    name: 'key-announcements-test',
    prefix: infra.subjectPrefix,
  });
  store = new SpaceStore(mongo.db);
  directory = new SpaceDirectory(store, { logger, announcer: keySetAnnouncer(bus), refreshMs: 60_000 });
  await directory.start();
  followed = await followSpaceKeys({ bus, staticKeys: new Map(), logger });
});
afterAll(async () => {
  directory?.stop();
  await followed?.stop();
  await bus?.close();
  await mongo?.close();
  await infra.cleanup();
});

const spaceOf = (key: string) => followed.apiKeys.spaceOf(key);

describe('announcing space keys to the other services', () => {
  it('announces a created space’s API key, then its revocation, as each write returns', async () => {
    const { space, apiKey, writeKey } = newSpace(
      { spaceId: 'announced', displayName: 'a', identityRules: {} },
      new Date(),
    );
    await directory.create(space);
    expect(await spaceOf(apiKey)).toBe('announced');
    expect(await spaceOf(writeKey)).toBeUndefined();

    const stored = await store.get('announced');
    const apiKeyId = stored.keys.find((key) => key.kind === 'api')?.keyId ?? '';
    await directory.save(revokeKey(stored, apiKeyId, new Date(), new Date()).space);
    await eventually(async () => ((await spaceOf(apiKey)) === undefined ? true : undefined), 5000);
  });

  it('announces on the next reload what a write stored but never announced (a crash in between)', async () => {
    const { space } = newSpace({ spaceId: 'crashed', displayName: 'c', identityRules: {} }, new Date());
    await directory.create(space);
    // Another instance stores a new key and dies before announcing it.
    const { space: withKey, issued } = issueKey(await store.get('crashed'), 'api', new Date());
    await store.replace(withKey);
    expect(await spaceOf(issued.secret)).toBeUndefined();
    await directory.refresh();
    expect(await spaceOf(issued.secret)).toBe('crashed');
  });
});
