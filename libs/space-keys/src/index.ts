/**
 * One API-key directory for every service. The profile service announces each space's keys
 * (digests, kind and end, never a secret) on NATS JetStream, one last-value subject per space;
 * every other service follows them and authenticates gRPC calls with the live `api` keys, beside
 * the `PRISM_API_KEYS` of configured spaces.
 *
 * Main entry points: `keySetAnnouncer` (the profile service, after every change of a space's
 * keys and on its reload), `followSpaceKeys` (the runtime, for every service it starts),
 * `keyDigest` / `isLive` (how a key is stored and when it works).
 *
 * @module
 */
export { type KeySetAnnouncer, keySetAnnouncer } from './announcer.js';
export { type FollowedSpaceKeys, type FollowOptions, followSpaceKeys } from './follower.js';
export {
  type AnnouncedKey,
  isLive,
  type KeyBus,
  type KeyKind,
  keyDigest,
  keyStreamName,
  keySubjectOf,
  type SpaceKeySet,
} from './key-set.js';
