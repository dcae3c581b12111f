import { createLogger } from '@prism/log';
import { connectMongo, type MongoConnection } from '@prism/store';
import { isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_IDENTITY_RULES } from '../domain/identity/rules.js';
import { SpaceDirectory, type SpaceDirectoryOptions } from './directory.js';
import { issueKey, newSpace, OPERATOR_SPACE, revokeKey } from './space.js';
import { SpaceStore } from './store.js';

const infra = isolatedInfra();
const logger = createLogger('spaces-test', { level: 'silent' });
let mongo: MongoConnection;
let store: SpaceStore;
let now = new Date('2030-01-01T00:00:00Z');
const directories: SpaceDirectory[] = [];

async function startDirectory(options: Partial<SpaceDirectoryOptions> = {}) {
  const directory = new SpaceDirectory(store, { logger, clock: () => now, ...options });
  await directory.start();
  directories.push(directory);
  return directory;
}

const created = (spaceId: string, identityRules = {}) =>
  newSpace({ spaceId, displayName: spaceId, identityRules }, now);

/** A promise and its resolve (Node 20 has no `Promise.withResolvers`). */
function signal() {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  store = new SpaceStore(mongo.db);
});
afterAll(async () => {
  for (const directory of directories) directory.stop();
  await mongo?.close();
  await infra.cleanup();
});

describe('space directory', () => {
  it('resolves a new space’s write key and API key at once, each only as its own kind', async () => {
    const directory = await startDirectory();
    const { space, writeKey, apiKey } = created('dir-new');
    await directory.create(space);
    expect(writeKey).toMatch(/^pk_write_[A-Za-z0-9_-]{32}$/);
    expect(apiKey).toMatch(/^pk_api_[A-Za-z0-9_-]{32}$/);
    expect(await directory.writeKeys.spaceOf(writeKey)).toBe('dir-new');
    expect(await directory.apiKeys.spaceOf(apiKey)).toBe('dir-new');
    expect(await directory.apiKeys.spaceOf(writeKey)).toBeUndefined();
    expect(await directory.writeKeys.spaceOf(apiKey)).toBeUndefined();
    expect(directory.has('dir-new')).toBe(true);
  });

  it('stores only digests and hints of the secrets', async () => {
    const directory = await startDirectory();
    const { space, writeKey, apiKey } = created('dir-digests');
    await directory.create(space);
    const stored = JSON.stringify(
      await mongo.db.collection('spaces').findOne({ _id: 'dir-digests' as never }),
    );
    expect(stored).not.toContain(writeKey);
    expect(stored).not.toContain(apiKey);
    expect(stored).toContain(writeKey.slice(0, 'pk_write_'.length + 4));
  });

  it('resolves configured API keys and the operator key, but never as write keys', async () => {
    const directory = await startDirectory({
      staticKeys: new Map([['static-key-0001', 'configured']]),
      adminKey: 'admin-key-0001',
    });
    expect(await directory.apiKeys.spaceOf('static-key-0001')).toBe('configured');
    expect(await directory.apiKeys.spaceOf('admin-key-0001')).toBe(OPERATOR_SPACE);
    expect(await directory.writeKeys.spaceOf('static-key-0001')).toBeUndefined();
    expect(await directory.apiKeys.spaceOf('nobody-key-0001')).toBeUndefined();
    expect(directory.has('configured')).toBe(true);
    expect(directory.rulesOf('configured')).toBe(DEFAULT_IDENTITY_RULES);
  });

  it('refuses an operator key that is also a configured space key', () => {
    const options = {
      logger,
      staticKeys: new Map([['shared-key-0001', 'configured']]),
      adminKey: 'shared-key-0001',
    };
    expect(() => new SpaceDirectory(store, options)).toThrow(/PRISM_ADMIN_KEY must differ/);
  });

  it('serves each stored space’s own identity rules', async () => {
    const directory = await startDirectory();
    await directory.create(
      created('dir-rules', { maxMergesPerProfile: 7, limits: [{ type: 'email', maxValues: 2 }] }).space,
    );
    expect(directory.rulesOf('dir-rules').settings.maxMergesPerProfile).toBe(7);
    expect(directory.rulesOf('dir-rules').limitOf('email')).toBe(2);
  });

  it('falls back to the default rules for a space whose stored rules no longer validate', async () => {
    const directory = await startDirectory();
    await store.insert(created('dir-legacy-rules', { blockedValues: ['(unclosed'] }).space);
    await directory.refresh();
    expect(directory.has('dir-legacy-rules')).toBe(true);
    expect(directory.rulesOf('dir-legacy-rules')).toBe(DEFAULT_IDENTITY_RULES);
  });

  it('stops accepting a revoked key at its revoke time, not before', async () => {
    const directory = await startDirectory();
    const { space, writeKey } = created('dir-revoke');
    await directory.create(space);
    const writeKeyId = space.keys.find((key) => key.kind === 'write')!.keyId;
    const revokeAt = new Date(now.getTime() + 60_000);
    await directory.save(revokeKey(space, writeKeyId, revokeAt, now).space);
    expect(await directory.writeKeys.spaceOf(writeKey)).toBe('dir-revoke');
    now = revokeAt;
    expect(await directory.writeKeys.spaceOf(writeKey)).toBeUndefined();
  });

  it('learns another instance’s new space and new key on refresh()', async () => {
    const mine = await startDirectory();
    const theirs = await startDirectory();
    const { space, apiKey } = created('dir-elsewhere');
    await theirs.create(space);
    expect(await mine.apiKeys.spaceOf(apiKey)).toBeUndefined();
    await mine.refresh();
    expect(await mine.apiKeys.spaceOf(apiKey)).toBe('dir-elsewhere');
    const { space: withWriteKey, issued } = issueKey(await store.get('dir-elsewhere'), 'write', now);
    await theirs.save(withWriteKey);
    await mine.refresh();
    expect(await mine.writeKeys.spaceOf(issued.secret)).toBe('dir-elsewhere');
  });

  it('reloads by itself every refreshMs', async () => {
    const mine = await startDirectory({ refreshMs: 50 });
    const theirs = await startDirectory();
    await theirs.create(created('dir-periodic').space);
    await vi.waitFor(() => expect(mine.has('dir-periodic')).toBe(true), { timeout: 2_000 });
  });

  it('keeps its own write made while a reload was reading', async () => {
    const read = signal();
    const apply = signal();
    // A reload that reads before the write and applies what it read after it.
    class SlowStore extends SpaceStore {
      override async all() {
        const spaces = await super.all();
        read.resolve();
        await apply.promise;
        return spaces;
      }
    }
    const directory = new SpaceDirectory(new SlowStore(mongo.db), { logger, clock: () => now });
    const { space, apiKey } = created('dir-during-reload');
    const reloading = directory.refresh();
    await read.promise;
    await directory.create(space);
    apply.resolve();
    await reloading;
    expect(await directory.apiKeys.spaceOf(apiKey)).toBe('dir-during-reload');
  });
});
