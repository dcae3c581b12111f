/**
 * A space's profiles as features, the same way wherever they are read: traits by path as the
 * rules read them (with an age from `birthday` and a tenure from `createdAt`), trait roles
 * (identifying traits never become features; geography, firmographics…), a schema inferred from
 * the data and the encoding of any profile by that schema. Segment generation clusters on these
 * features; audience-sync finds lookalikes on them.
 *
 * Main entry points: `viewProfiles` (traits by path, derived numbers, rules back onto the data),
 * `inferSchema` and `encodeProfiles` (profiles → `FeatureMatrix`), `isIdentifyingKey`,
 * `groupOf` and `leafOf` (trait roles), `STANDARDISED_LIMIT` (the range of numeric columns).
 *
 * @module
 */
export { encodeProfiles } from './features/encode.js';
export { STANDARDISED_LIMIT } from './features/numeric-scale.js';
export {
  DEFAULT_LIMITS,
  type ExcludedTrait,
  type ExclusionReason,
  type FeatureSchema,
  inferSchema,
  type SchemaLimits,
} from './features/schema.js';
export { groupOf, isIdentifyingKey, leafOf } from './features/trait-roles.js';
export type {
  AudienceProfile,
  CategoricalFeature,
  Feature,
  FeatureGroup,
  FeatureMatrix,
  FlagFeature,
  NumericFeature,
} from './model.js';
export { type ProfileView, viewProfiles } from './traits/profile-view.js';
