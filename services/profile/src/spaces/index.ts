export { SpaceDirectory, type SpaceDirectoryOptions, type WriteKeyResolver } from './directory.js';
export { type SpaceServiceDeps, spaceService } from './service.js';
export {
  type IssuedKey,
  type KeyKind,
  MAX_GRACE_SECONDS,
  OPERATOR_SPACE,
  SPACE_ID,
  type SpaceDocument,
  type StoredIdentityRules,
  type StoredKey,
} from './space.js';
export { SpaceStore } from './store.js';
