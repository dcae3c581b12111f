import { credentials, type ServiceError, status } from '@grpc/grpc-js';
import { readErrorDetails } from '@prism/errors';
import { apiKeyMetadata, callUnary, createGrpcServer, type GrpcServer, type UnaryMethod } from '@prism/grpc';
import { createLogger } from '@prism/log';
import { descriptorSet } from '@prism/proto';
import {
  type CreateSpaceResponse,
  KeyKind,
  SpaceServiceClient,
  SpaceServiceService,
} from '@prism/proto/prism/profile/v1/space';
import { connectMongo, type MongoConnection } from '@prism/store';
import { failureOf, isolatedInfra } from '@prism/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SpaceDirectory } from './directory.js';
import { spaceService } from './service.js';
import { SpaceStore } from './store.js';

const ADMIN = 'admin-key-0001';
const CONFIGURED = 'configured-key-0001';
const infra = isolatedInfra();
let mongo: MongoConnection;
let directory: SpaceDirectory;
let server: GrpcServer;
let client: SpaceServiceClient;
let now = new Date('2030-01-01T00:00:00Z');
const clock = () => now;
const later = (seconds: number) => new Date(now.getTime() + seconds * 1000);

beforeAll(async () => {
  mongo = await connectMongo(infra.mongoUrl, infra.dbName);
  const store = new SpaceStore(mongo.db);
  const logger = createLogger('profile', { level: 'silent' });
  directory = new SpaceDirectory(store, {
    logger,
    clock,
    adminKey: ADMIN,
    staticKeys: new Map([[CONFIGURED, 'configured']]),
  });
  await directory.start();
  server = createGrpcServer({
    service: 'profile',
    port: 0,
    logger,
    apiKeys: directory.apiKeys,
    descriptorSet: descriptorSet(),
  });
  server.addService(SpaceServiceService, spaceService({ store, directory, clock }));
  client = new SpaceServiceClient(`127.0.0.1:${await server.start()}`, credentials.createInsecure());
});
afterAll(async () => {
  client?.close();
  await server?.shutdown(1_000);
  directory?.stop();
  await mongo?.close();
  await infra.cleanup();
});

const call = <Req, Res>(method: UnaryMethod<Req, Res>, key: string, request: Req) =>
  callUnary(client, method, apiKeyMetadata(key), request);
const failure = (pending: Promise<unknown>) => failureOf<ServiceError>(pending);
const violations = (error: ServiceError) => readErrorDetails(error).fieldViolations;
const createSpace = (spaceId: string): Promise<CreateSpaceResponse> =>
  call(client.createSpace, ADMIN, { spaceId, displayName: `Space ${spaceId}` });
const getSpace = async (spaceId: string, key: string) =>
  (await call(client.getSpace, key, { spaceId })).space!;
const keyIdOf = async (spaceId: string, kind: KeyKind) =>
  (await getSpace(spaceId, ADMIN)).keys.find((key) => key.kind === kind)!.keyId;

describe('creating spaces', () => {
  it('gives the operator a space whose write key and API key work at once, each as its own kind', async () => {
    const { space, writeKey, apiKey } = await createSpace('svc-new');
    expect(space).toMatchObject({ spaceId: 'svc-new', displayName: 'Space svc-new', version: 1 });
    expect(space?.keys.map((key) => key.kind)).toEqual([KeyKind.KEY_KIND_WRITE, KeyKind.KEY_KIND_API]);
    expect(await getSpace('svc-new', apiKey)).toMatchObject({ spaceId: 'svc-new' });
    expect(await directory.writeKeys.spaceOf(writeKey)).toBe('svc-new');
    expect((await failure(getSpace('svc-new', writeKey))).code).toBe(status.UNAUTHENTICATED);
  });

  it('never answers with a key digest', async () => {
    const { space } = await createSpace('svc-no-digest');
    const stored = await mongo.db.collection('spaces').findOne({ _id: 'svc-no-digest' as never });
    const digests: string[] = stored?.keys.map((key: { digest: string }) => key.digest);
    const answered = JSON.stringify([space, await getSpace('svc-no-digest', ADMIN)]);
    for (const digest of digests) expect(answered).not.toContain(digest);
  });

  it('answers the rules in effect, defaults filled in', async () => {
    const { space } = await createSpace('svc-defaults');
    expect(space?.identityRules).toMatchObject({
      blockedValues: expect.arrayContaining(['^null$']),
      priority: ['user_id', 'email', 'phone', '*', 'anonymous_id'],
      maxMergesPerProfile: 100,
    });
    expect(space?.identityRules?.limits).toContainEqual({ type: 'user_id', maxValues: 1 });
  });

  it('refuses a second space with the same id as ALREADY_EXISTS', async () => {
    await createSpace('svc-twice');
    expect((await failure(createSpace('svc-twice'))).code).toBe(status.ALREADY_EXISTS);
  });

  it.each(['ab', 'Acme', '-acme', 'acme-', 'acme_prod', 'a'.repeat(41)])(
    'refuses the space id %j as INVALID_ARGUMENT on space_id',
    async (spaceId) => {
      const error = await failure(createSpace(spaceId));
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(violations(error).map((v) => v.field)).toEqual(['space_id']);
    },
  );

  it('refuses invalid identity rules naming each field', async () => {
    const identityRules = {
      blockedValues: ['(a+)+'],
      limits: [
        { type: 'email', maxValues: 2 },
        { type: 'email', maxValues: 3 },
      ],
      priority: ['user_id', 'user_id'],
      maxMergesPerProfile: 0,
    };
    const error = await failure(
      call(client.createSpace, ADMIN, { spaceId: 'svc-bad-rules', displayName: '', identityRules }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(violations(error).map((v) => v.field)).toEqual(['identity_rules.limits[1].type']);
    const fixed = { ...identityRules, limits: [{ type: 'email', maxValues: 1001 }] };
    const again = await failure(
      call(client.createSpace, ADMIN, { spaceId: 'svc-bad-rules', displayName: '', identityRules: fixed }),
    );
    expect(violations(again).map((v) => v.field)).toEqual([
      'identity_rules.blocked_values[0]',
      'identity_rules.limits[0].max_values',
      'identity_rules.priority[1]',
    ]);
  });

  it('lets only the operator create and list spaces', async () => {
    const { apiKey } = await createSpace('svc-not-operator');
    for (const key of [apiKey, CONFIGURED]) {
      const create = call(client.createSpace, key, { spaceId: 'svc-by-tenant', displayName: '' });
      expect((await failure(create)).code).toBe(status.PERMISSION_DENIED);
      const list = call(client.listSpaces, key, { pageSize: 0, pageToken: '' });
      expect((await failure(list)).code).toBe(status.PERMISSION_DENIED);
    }
  });

  it('lists every space to the operator, page by page', async () => {
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await call(client.listSpaces, ADMIN, { pageSize: 2, pageToken });
      seen.push(...page.spaces.map((space) => space.spaceId));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(seen).toContain('svc-new');
    expect(seen).toEqual([...seen].sort());
  });
});

describe('keys', () => {
  it('keeps a key of one space out of every other space', async () => {
    const { apiKey } = await createSpace('svc-tenant-a');
    await createSpace('svc-tenant-b');
    const keyId = await keyIdOf('svc-tenant-b', KeyKind.KEY_KIND_API);
    const denied = [
      call(client.getSpace, apiKey, { spaceId: 'svc-tenant-b' }),
      call(client.issueKey, apiKey, { spaceId: 'svc-tenant-b', kind: KeyKind.KEY_KIND_API }),
      call(client.rotateKey, apiKey, { spaceId: 'svc-tenant-b', keyId, graceSeconds: 0 }),
      call(client.revokeKey, apiKey, { spaceId: 'svc-tenant-b', keyId }),
      call(client.getSpace, apiKey, { spaceId: 'svc-no-such-space' }),
    ];
    for (const pending of denied) expect((await failure(pending)).code).toBe(status.PERMISSION_DENIED);
  });

  it('issues a key of the kind asked for, usable at once', async () => {
    const { apiKey } = await createSpace('svc-issue');
    const { key, secret } = await call(client.issueKey, apiKey, {
      spaceId: 'svc-issue',
      kind: KeyKind.KEY_KIND_WRITE,
    });
    expect(key).toMatchObject({ kind: KeyKind.KEY_KIND_WRITE, hint: secret.slice(0, 13) });
    expect(key?.keyId).toMatch(/^key_[0-9a-f-]{36}$/);
    expect(await directory.writeKeys.spaceOf(secret)).toBe('svc-issue');
    const unspecified = await failure(call(client.issueKey, apiKey, { spaceId: 'svc-issue', kind: 0 }));
    expect(violations(unspecified).map((v) => v.field)).toEqual(['kind']);
  });

  it('rotates a key without grace: the old one stops at once, the new one works', async () => {
    const { apiKey } = await createSpace('svc-rotate-now');
    const keyId = await keyIdOf('svc-rotate-now', KeyKind.KEY_KIND_API);
    const rotated = await call(client.rotateKey, apiKey, {
      spaceId: 'svc-rotate-now',
      keyId,
      graceSeconds: 0,
    });
    expect(rotated.revoked).toMatchObject({ keyId, revokeTime: now });
    expect(rotated.key?.kind).toBe(KeyKind.KEY_KIND_API);
    expect((await failure(getSpace('svc-rotate-now', apiKey))).code).toBe(status.UNAUTHENTICATED);
    expect(await getSpace('svc-rotate-now', rotated.secret)).toMatchObject({ version: 2 });
  });

  it('rotates a key with grace: the old one works until the grace ends', async () => {
    const { writeKey, apiKey } = await createSpace('svc-rotate-grace');
    const keyId = await keyIdOf('svc-rotate-grace', KeyKind.KEY_KIND_WRITE);
    const rotated = await call(client.rotateKey, apiKey, {
      spaceId: 'svc-rotate-grace',
      keyId,
      graceSeconds: 3600,
    });
    expect(rotated.revoked?.revokeTime).toEqual(later(3600));
    expect(await directory.writeKeys.spaceOf(writeKey)).toBe('svc-rotate-grace');
    expect(await directory.writeKeys.spaceOf(rotated.secret)).toBe('svc-rotate-grace');
    now = later(3600);
    expect(await directory.writeKeys.spaceOf(writeKey)).toBeUndefined();
    expect(await directory.writeKeys.spaceOf(rotated.secret)).toBe('svc-rotate-grace');
  });

  it('refuses a grace over 7 days and a revoked key’s rotation', async () => {
    const { apiKey } = await createSpace('svc-rotate-limits');
    const keyId = await keyIdOf('svc-rotate-limits', KeyKind.KEY_KIND_WRITE);
    const rotate = (graceSeconds: number) =>
      call(client.rotateKey, apiKey, { spaceId: 'svc-rotate-limits', keyId, graceSeconds });
    expect(violations(await failure(rotate(7 * 24 * 3600 + 1))).map((v) => v.field)).toEqual([
      'grace_seconds',
    ]);
    await rotate(0);
    expect((await failure(rotate(0))).code).toBe(status.FAILED_PRECONDITION);
  });

  it('revokes a key at once, and answers a repeated revoke with the same revoke time', async () => {
    const { writeKey, apiKey } = await createSpace('svc-revoke');
    const keyId = await keyIdOf('svc-revoke', KeyKind.KEY_KIND_WRITE);
    const { key } = await call(client.revokeKey, apiKey, { spaceId: 'svc-revoke', keyId });
    expect(key?.revokeTime).toEqual(now);
    expect(await directory.writeKeys.spaceOf(writeKey)).toBeUndefined();
    now = later(10);
    const again = await call(client.revokeKey, apiKey, { spaceId: 'svc-revoke', keyId });
    expect(again.key?.revokeTime).toEqual(key?.revokeTime);
    expect((await getSpace('svc-revoke', apiKey)).version).toBe(2);
  });

  it('answers an unknown key id NOT_FOUND', async () => {
    const { apiKey } = await createSpace('svc-unknown-key');
    const revoke = call(client.revokeKey, apiKey, { spaceId: 'svc-unknown-key', keyId: 'key_nope' });
    expect((await failure(revoke)).code).toBe(status.NOT_FOUND);
  });
});

describe('identity rules', () => {
  it('updates a space’s rules, which the directory serves at once', async () => {
    const { apiKey } = await createSpace('svc-rules');
    const identityRules = {
      blockedValues: [],
      limits: [
        { type: 'email', maxValues: 2 },
        { type: 'loyalty.card', maxValues: 1 },
      ],
      priority: [],
      maxMergesPerProfile: 10,
    };
    const { space } = await call(client.updateIdentityRules, apiKey, {
      spaceId: 'svc-rules',
      identityRules,
      expectedVersion: 1,
    });
    expect(space).toMatchObject({ version: 2, identityRules: { maxMergesPerProfile: 10 } });
    expect(directory.rulesOf('svc-rules').limitOf('email')).toBe(2);
    expect(directory.rulesOf('svc-rules').limitOf('loyalty.card')).toBe(1);
    expect(directory.rulesOf('svc-rules').settings.blockedValues).toContain('^null$');
  });

  it('refuses an update from a stale version as ABORTED', async () => {
    const { apiKey } = await createSpace('svc-rules-stale');
    const update = (maxMergesPerProfile: number) =>
      call(client.updateIdentityRules, apiKey, {
        spaceId: 'svc-rules-stale',
        identityRules: { blockedValues: [], limits: [], priority: [], maxMergesPerProfile },
        expectedVersion: 1,
      });
    await update(5);
    expect((await failure(update(6))).code).toBe(status.ABORTED);
    expect(directory.rulesOf('svc-rules-stale').settings.maxMergesPerProfile).toBe(5);
  });
});
