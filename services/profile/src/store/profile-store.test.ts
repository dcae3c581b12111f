import { connectMongo } from '@prism/store';
import { failureOf, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newProfileState, type ProfileState } from '../domain/profile-state.js';
import { fromProfileDocument, toProfileDocument } from './documents.js';
import { ProfileStore, WriteConflict } from './profile-store.js';

function profile(id: string, version: number, plan: string): ProfileState {
  return {
    ...newProfileState(id, 'acme', Date.parse('2026-11-01T00:00:00Z')),
    identifiers: [{ type: 'user_id', value: id }],
    traits: { plan: { key: 'plan', value: plan, at: version } },
    version,
  };
}

/** What a directory scan finds of a space: each profile at its newest version, read back. */
async function storedProfiles(store: ProfileStore, spaceId: string): Promise<ProfileState[]> {
  const newest = new Map<string, number>();
  await store.scanSpace(spaceId, ({ profileId, version }) => {
    newest.set(profileId, Math.max(version, newest.get(profileId) ?? 0));
  });
  const refs = [...newest].map(([profileId, version]) => ({ profileId, version }));
  return (await store.readVersions(spaceId, refs)).map(fromProfileDocument);
}

describe('profile store on FerretDB', () => {
  const infra = isolatedInfra();
  let mongo: Awaited<ReturnType<typeof connectMongo>>;
  let store: ProfileStore;
  beforeAll(async () => {
    mongo = await connectMongo(infra.mongoUrl, infra.dbName);
    store = new ProfileStore(mongo.db, 'test');
  });
  afterAll(async () => {
    await mongo?.close();
    await infra.cleanup();
  });

  it('keeps one document per profile: the next version replaces the one it was read at', async () => {
    await store.writeVersions('acme', [{ doc: toProfileDocument(profile('p-1', 1, 'free')) }]);
    await store.writeVersions('acme', [{ doc: toProfileDocument(profile('p-1', 2, 'pro')), replaces: 1 }]);
    const stored = await store.profiles.find({ spaceId: 'acme', profileId: 'p-1' }).toArray();
    expect(stored.map((doc) => doc._id)).toEqual(['p-1#2']);
    const profiles = await storedProfiles(store, 'acme');
    expect(profiles.find((p) => p.id === 'p-1')?.traits.plan?.value).toBe('pro');
  });

  it('refuses a version another writer already wrote', async () => {
    await store.writeVersions('acme', [{ doc: toProfileDocument(profile('p-2', 1, 'free')) }]);
    await store.writeVersions('acme', [{ doc: toProfileDocument(profile('p-2', 2, 'pro')), replaces: 1 }]);
    const late = store.writeVersions('acme', [
      { doc: toProfileDocument(profile('p-2', 2, 'team')), replaces: 1 },
    ]);
    expect(await failureOf(late)).toBeInstanceOf(WriteConflict);
    const profiles = await storedProfiles(store, 'acme');
    expect(profiles.find((p) => p.id === 'p-2')?.traits.plan?.value).toBe('pro');
  });

  it('scans the newest version after a crash left the old one, and removes the old one', async () => {
    // What a crash between the insert of version 2 and the deletion of version 1 leaves.
    await store.profiles.insertMany([
      toProfileDocument(profile('p-3', 1, 'free')),
      toProfileDocument(profile('p-3', 2, 'pro')),
    ]);
    const profiles = await storedProfiles(store, 'acme');
    expect(profiles.filter((p) => p.id === 'p-3').map((p) => p.version)).toEqual([2]);
    const left = await store.profiles.find({ spaceId: 'acme', profileId: 'p-3' }).toArray();
    expect(left.map((doc) => doc._id)).toEqual(['p-3#2']);
  });

  it('lets other work run while it scans a large space: calls answered meanwhile are not held', async () => {
    const docs = Array.from({ length: 2_500 }, (_, n) => ({
      doc: toProfileDocument({ ...profile(`big-${n}`, 1, 'free'), spaceId: 'big' }),
    }));
    await store.writeVersions('big', docs);
    let turns = 0;
    let counting = true;
    const count = () => {
      turns++;
      if (counting) setImmediate(count);
    };
    const seenAt: number[] = [];
    setImmediate(count);
    const seen = await store.scanSpace('big', () => seenAt.push(turns));
    counting = false;
    expect(seen).toBe(2_500);
    // Without yielding, the whole cursor batch of 2,500 was handled within one turn.
    expect((seenAt.at(-1) as number) - (seenAt[0] as number)).toBeGreaterThanOrEqual(2);
  });

  it('never scans or removes another space’s profiles', async () => {
    await store.writeVersions('globex', [
      { doc: { ...toProfileDocument(profile('g-1', 1, 'x')), spaceId: 'globex' } },
    ]);
    const acme = await storedProfiles(store, 'acme');
    expect(acme.some((p) => p.id === 'g-1')).toBe(false);
    const globex = await storedProfiles(store, 'globex');
    expect(globex.map((p) => p.id)).toEqual(['g-1']);
  });

  it('finds the newest version of a profile whose version it does not know, however far it has moved', async () => {
    await store.profiles.insertMany([
      toProfileDocument(profile('p-far', 99, 'free')),
      toProfileDocument(profile('p-far', 100, 'pro')),
      toProfileDocument(profile('p-edge', 8, 'free')),
      toProfileDocument(profile('p-edge', 9, 'pro')),
    ]);
    expect((await store.newestFrom('acme', 'p-edge'))?.version).toBe(9);
    expect((await store.newestFrom('acme', 'p-far'))?.version).toBe(100);
    expect(await store.newestFrom('acme', 'p-none')).toBeUndefined();
  });
});
