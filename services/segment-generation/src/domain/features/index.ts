export type { ExcludedTrait, ExclusionReason, FeatureSchema, SchemaLimits } from '@prism/profile-features';
export { buildFeatures, type FeatureOptions, type FeatureSpace, matrixFor } from './build.js';
export type { TraitWeights } from './emphasis.js';
