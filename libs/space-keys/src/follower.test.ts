import { randomBytes } from 'node:crypto';
import { type Bus, connectBus } from '@prism/bus';
import { createLogger } from '@prism/log';
import { eventually, isolatedInfra } from '@prism/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keySetAnnouncer } from './announcer.js';
import { type FollowedSpaceKeys, followSpaceKeys } from './follower.js';
import { type KeyKind, keyDigest, keyStreamName, keySubjectOf, type SpaceKeySet } from './key-set.js';

const infra = isolatedInfra();
const logger = createLogger('space-keys-test', { level: 'silent' });
let bus: Bus;

beforeAll(async () => {
  bus = await connectBus({ servers: infra.natsUrl, name: 'space-keys-test', prefix: infra.subjectPrefix });
});

afterAll(async () => {
  await bus.close();
  await infra.cleanup();
});

const secret = (kind: KeyKind) => `pk_${kind}_${randomBytes(24).toString('base64url')}`;
const spaceId = () => `space-${randomBytes(4).toString('hex')}`;

function keySet(space: string, version: number, keys: Array<[string, KeyKind, Date?]>): SpaceKeySet {
  return {
    spaceId: space,
    version,
    keys: keys.map(([key, kind, revokeAt]) => ({
      digest: keyDigest(key),
      kind,
      ...(revokeAt && { revokeAt }),
    })),
  };
}

async function following(
  staticKeys = new Map<string, string>(),
  clock?: () => Date,
): Promise<FollowedSpaceKeys> {
  return followSpaceKeys({ bus, staticKeys, logger, ...(clock && { clock }) });
}

describe('following announced space keys', () => {
  it('starts on an empty stream and serves the configured keys', async () => {
    const isolated = await connectBus({
      servers: infra.natsUrl,
      name: 'space-keys-empty',
      prefix: `${infra.subjectPrefix}e`,
    });
    try {
      const keys = await followSpaceKeys({
        bus: isolated,
        staticKeys: new Map([['configured-key-1', 'acme']]),
        logger,
      });
      expect(await keys.apiKeys.spaceOf('configured-key-1')).toBe('acme');
      expect(await keys.apiKeys.spaceOf('anything-else')).toBeUndefined();
      await keys.stop();
    } finally {
      await isolated.jsm.streams.delete(keyStreamName(`${infra.subjectPrefix}e`)).catch(() => {});
      await isolated.close();
    }
  });

  it('knows the sets announced before it started, and only their live api keys', async () => {
    const [space, api, write, revoked] = [spaceId(), secret('api'), secret('write'), secret('api')];
    await keySetAnnouncer(bus).announce(
      keySet(space, 1, [
        [api, 'api'],
        [write, 'write'],
        [revoked, 'api', new Date(Date.now() - 1000)],
      ]),
    );
    const keys = await following();
    expect(await keys.apiKeys.spaceOf(api)).toBe(space);
    expect(await keys.apiKeys.spaceOf(write)).toBeUndefined();
    expect(await keys.apiKeys.spaceOf(revoked)).toBeUndefined();
    await keys.stop();
  });

  it('serves a key announced a moment ago on the first call, and refuses it once revoked', async () => {
    const keys = await following();
    const [space, api] = [spaceId(), secret('api')];
    const announcer = keySetAnnouncer(bus);
    await announcer.announce(keySet(space, 1, [[api, 'api']]));
    expect(await keys.apiKeys.spaceOf(api)).toBe(space);
    await announcer.announce(keySet(space, 2, [[api, 'api', new Date()]]));
    await eventually(async () => ((await keys.apiKeys.spaceOf(api)) === undefined ? true : undefined), 5000);
    await keys.stop();
  });

  it('lets a rotated key work until its grace ends and the new one at once', async () => {
    let now = new Date();
    const keys = await following(new Map(), () => now);
    const [space, old, rotated] = [spaceId(), secret('api'), secret('api')];
    const graceEnds = new Date(now.getTime() + 60_000);
    await keySetAnnouncer(bus).announce(
      keySet(space, 2, [
        [old, 'api', graceEnds],
        [rotated, 'api'],
      ]),
    );
    expect(await keys.apiKeys.spaceOf(rotated)).toBe(space);
    expect(await keys.apiKeys.spaceOf(old)).toBe(space);
    now = graceEnds;
    expect(await keys.apiKeys.spaceOf(old)).toBeUndefined();
    expect(await keys.apiKeys.spaceOf(rotated)).toBe(space);
    await keys.stop();
  });
});

describe('announcing space keys', () => {
  it('keeps the newest set whatever order racing announcers publish in', async () => {
    const keys = await following();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 }),
        async (versions) => {
          const space = spaceId();
          const secrets = versions.map(() => secret('api'));
          // Each version holds only its own key, so which set won is plain to see.
          await Promise.all(
            versions.map((version, i) =>
              keySetAnnouncer(bus).announce(keySet(space, version, [[secrets[i] as string, 'api']])),
            ),
          );
          const newest = versions.indexOf(Math.max(...versions));
          const stored = await bus.jsm.streams.getMessage(keyStreamName(bus.prefix), {
            last_by_subj: keySubjectOf(bus.prefix, space),
          });
          expect(stored.json<SpaceKeySet>().version).toBe(versions[newest]);
          // The follower applies what the stream holds within moments (revocation: within 5 s).
          for (const [i, key] of secrets.entries())
            await expect
              .poll(() => keys.apiKeys.spaceOf(key), { timeout: 5_000 })
              .toBe(i === newest ? space : undefined);
        },
      ),
      { numRuns: 15 },
    );
    await keys.stop();
  });

  it('stores digests only, never a secret', async () => {
    const [space, api] = [spaceId(), secret('api')];
    await keySetAnnouncer(bus).announce(keySet(space, 1, [[api, 'api']]));
    const stored = await bus.jsm.streams.getMessage(keyStreamName(bus.prefix), {
      last_by_subj: keySubjectOf(bus.prefix, space),
    });
    expect(new TextDecoder().decode(stored.data)).not.toContain(api);
    expect(stored.json<SpaceKeySet>().keys).toEqual([{ digest: keyDigest(api), kind: 'api' }]);
  });
});
