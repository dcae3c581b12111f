export { type Bucket, MAX_DISTINCT_VALUES, MAX_VALUE_LENGTH, type Stamped } from './aggregators.js';
export {
  COMPUTED_TRAIT_KINDS,
  type ComputedTraitDefinition,
  type ComputedTraitKind,
  computedTraitDefinitionSchema,
  type EventFilter,
  MAX_WINDOW_DAYS,
  matchesFilter,
  type TraitEvent,
} from './definition.js';
export {
  computedTraitDefinitionFromProto,
  computedTraitDefinitionToProto,
  protoComputedTraitDefinition,
} from './definition-proto.js';
export { mergeStates } from './merge.js';
export {
  accumulate,
  backfill,
  type ComputedStates,
  type ComputedTraitState,
  changedValues,
  computedValues,
  expire,
  type TraitChange,
  traitValue,
} from './state.js';
