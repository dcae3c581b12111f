export { buildFeatures, type FeatureOptions, type FeatureSpace, matrixFor } from './build.js';
export type { TraitWeights } from './emphasis.js';
export type { ExcludedTrait, ExclusionReason, FeatureSchema, SchemaLimits } from './schema.js';
