import {
  type IdentityRules,
  KeyKind as ProtoKeyKind,
  type Space,
  type SpaceKey,
} from '@prism/proto/prism/profile/v1/space';
import { parseIdentityRules } from '../domain/identity/rules.js';
import { type KeyKind, rulesInputOf, type SpaceDocument, type StoredKey } from './space.js';

const KIND_TO_PROTO: Readonly<Record<KeyKind, ProtoKeyKind>> = {
  write: ProtoKeyKind.KEY_KIND_WRITE,
  api: ProtoKeyKind.KEY_KIND_API,
};

/** Undefined for UNSPECIFIED and unknown numbers, which the request schema reports. */
export function keyKindFromProto(value: number): KeyKind | undefined {
  return (Object.keys(KIND_TO_PROTO) as KeyKind[]).find((kind) => KIND_TO_PROTO[kind] === value);
}

/** A key as callers see it: never its digest. */
export function keyToProto(key: StoredKey): SpaceKey {
  return {
    keyId: key.keyId,
    kind: KIND_TO_PROTO[key.kind],
    hint: key.hint,
    createTime: key.createdAt,
    revokeTime: key.revokeAt,
  };
}

/** The rules in effect (defaults filled in), so sending back what was read changes nothing. */
export function spaceToProto(space: SpaceDocument): Space {
  const { settings } = parseIdentityRules(rulesInputOf(space.identityRules));
  const identityRules: IdentityRules = {
    blockedValues: settings.blockedValues,
    limits: Object.entries(settings.limits).map(([type, maxValues]) => ({ type, maxValues })),
    priority: settings.priority,
    maxMergesPerProfile: settings.maxMergesPerProfile,
  };
  return {
    spaceId: space.spaceId,
    displayName: space.displayName,
    keys: space.keys.map(keyToProto),
    identityRules,
    createTime: space.createdAt,
    version: space.version,
  };
}
