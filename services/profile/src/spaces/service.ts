import { Aborted, PermissionDenied } from '@prism/errors';
import { type CallContext, pageTokenAfter, parseRequest, unary } from '@prism/grpc';
import type { SpaceServiceServer } from '@prism/proto/prism/profile/v1/space';
import type { SpaceDirectory } from './directory.js';
import { keyToProto, spaceToProto } from './mapping.js';
import * as requests from './requests.js';
import {
  issueKey,
  newSpace,
  OPERATOR_SPACE,
  revokeKey,
  rotateKey,
  type SpaceDocument,
  withIdentityRules,
} from './space.js';
import type { SpaceStore } from './store.js';

export interface SpaceServiceDeps {
  /** Reads: always the stored version, which a write must start from. */
  store: SpaceStore;
  /** Writes go through it, so this instance serves new keys and rules at once. */
  directory: SpaceDirectory;
  clock?: () => Date;
}

/** A change is recomputed from a fresh read when another writer wins; this many tries in all. */
const ATTEMPTS = 3;

function requireOperator(call: CallContext): void {
  if (call.spaceId !== OPERATOR_SPACE) throw new PermissionDenied('only the operator key may do this');
}

/** Checked before reading, so a key of another space cannot even learn whether the space exists. */
function requireAccess(call: CallContext, spaceId: string): void {
  if (call.spaceId !== OPERATOR_SPACE && call.spaceId !== spaceId) {
    throw new PermissionDenied(`the API key does not grant access to space ${JSON.stringify(spaceId)}`);
  }
}

/** gRPC handlers: validate → authorize → read → domain change → one versioned write. */
export function spaceService(deps: SpaceServiceDeps): SpaceServiceServer {
  const { store, directory } = deps;
  const now = deps.clock ?? (() => new Date());

  /**
   * Applies `change` to the stored space and saves it; an unchanged space is not written. A lost race
   * is retried, unless the caller named the version it read (`attempts` 1): then it must re-read.
   */
  async function changeSpace<R extends { space: SpaceDocument }>(
    spaceId: string,
    change: (space: SpaceDocument, at: Date) => R,
    attempts = ATTEMPTS,
  ): Promise<R> {
    const current = await store.get(spaceId);
    const result = change(current, now());
    if (result.space === current) return result;
    try {
      return { ...result, space: await directory.save(result.space) };
    } catch (error) {
      if (error instanceof Aborted && attempts > 1) return changeSpace(spaceId, change, attempts - 1);
      throw error;
    }
  }

  return {
    createSpace: unary(async (call, request) => {
      requireOperator(call);
      const { spaceId, displayName, identityRules } = parseRequest(requests.createSpaceRequest, request);
      const created = newSpace({ spaceId, displayName: displayName || spaceId, identityRules }, now());
      await directory.create(created.space);
      return { space: spaceToProto(created.space), writeKey: created.writeKey, apiKey: created.apiKey };
    }),

    getSpace: unary(async (call, request) => {
      const { spaceId } = parseRequest(requests.getSpaceRequest, request);
      requireAccess(call, spaceId);
      return { space: spaceToProto(await store.get(spaceId)) };
    }),

    listSpaces: unary(async (call, request) => {
      requireOperator(call);
      const { pageSize, pageToken } = parseRequest(requests.listSpacesRequest, request);
      const page = await store.page(pageSize, pageToken);
      return { spaces: page.items.map(spaceToProto), nextPageToken: pageTokenAfter(page.nextAfter) };
    }),

    issueKey: unary(async (call, request) => {
      const { spaceId, kind } = parseRequest(requests.issueKeyRequest, request);
      requireAccess(call, spaceId);
      const { issued } = await changeSpace(spaceId, (space, at) => issueKey(space, kind, at));
      return { key: keyToProto(issued.key), secret: issued.secret };
    }),

    rotateKey: unary(async (call, request) => {
      const { spaceId, keyId, graceSeconds } = parseRequest(requests.rotateKeyRequest, request);
      requireAccess(call, spaceId);
      const { issued, revoked } = await changeSpace(spaceId, (space, at) =>
        rotateKey(space, keyId, graceSeconds, at),
      );
      return { key: keyToProto(issued.key), secret: issued.secret, revoked: keyToProto(revoked) };
    }),

    revokeKey: unary(async (call, request) => {
      const { spaceId, keyId } = parseRequest(requests.revokeKeyRequest, request);
      requireAccess(call, spaceId);
      const { revoked } = await changeSpace(spaceId, (space, at) => revokeKey(space, keyId, at, at));
      return { key: keyToProto(revoked) };
    }),

    /** Without `expected_version` the rules replace whatever is stored; with it, only that version. */
    updateIdentityRules: unary(async (call, request) => {
      const { spaceId, identityRules, expectedVersion } = parseRequest(
        requests.updateIdentityRulesRequest,
        request,
      );
      requireAccess(call, spaceId);
      const { space } = await changeSpace(
        spaceId,
        (current, at) => ({
          space: {
            ...withIdentityRules(current, identityRules, at),
            version: expectedVersion || current.version,
          },
        }),
        expectedVersion ? 1 : ATTEMPTS,
      );
      return { space: spaceToProto(space) };
    }),
  };
}
