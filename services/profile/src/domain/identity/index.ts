export {
  type GraphChanges,
  type IdentifierClaim,
  IdentityGraph,
  type IdentityGraphOptions,
  type ProfileRecord,
  type Resolution,
  type ResolutionOutcome,
} from './graph.js';
export {
  distinctIdentifiers,
  IDENTIFIER_TYPE,
  type Identifier,
  identifierKey,
  identifiersOf,
  type KnownIdentifiers,
  MAX_VALUE_LENGTH,
  normalizeIdentifier,
  PROFILE_ID,
  parseIdentifier,
} from './identifier.js';
export {
  DEFAULT_BLOCKED_VALUES,
  DEFAULT_IDENTITY_RULES,
  DEFAULT_LIMITS,
  DEFAULT_PRIORITY,
  type IdentityRules,
  type IdentityRulesInput,
  type IdentityRulesSettings,
  identityRulesSchema,
  OTHER_TYPES,
  parseIdentityRules,
} from './rules.js';
