import { required } from '@prism/grpc';
import {
  type ComputedTraitDefinition as ProtoDefinition,
  ComputedTraitKind as ProtoKind,
} from '@prism/proto/prism/profile/v1/profile';
import { z } from 'zod';
import { conditionToProto, enumCodec, parseProto, protoConditionList } from '../conditions-proto.js';
import {
  type ComputedTraitDefinition,
  type ComputedTraitKind,
  checkProperty,
  definitionShape,
  emptyFilter,
  filterShape,
} from './definition.js';

const kinds = enumCodec<ComputedTraitKind, ProtoKind>({
  event_counter: ProtoKind.COMPUTED_TRAIT_KIND_EVENT_COUNTER,
  sum: ProtoKind.COMPUTED_TRAIT_KIND_SUM,
  average: ProtoKind.COMPUTED_TRAIT_KIND_AVERAGE,
  minimum: ProtoKind.COMPUTED_TRAIT_KIND_MINIMUM,
  maximum: ProtoKind.COMPUTED_TRAIT_KIND_MAXIMUM,
  first_value: ProtoKind.COMPUTED_TRAIT_KIND_FIRST_VALUE,
  last_value: ProtoKind.COMPUTED_TRAIT_KIND_LAST_VALUE,
  most_frequent: ProtoKind.COMPUTED_TRAIT_KIND_MOST_FREQUENT,
  unique_list: ProtoKind.COMPUTED_TRAIT_KIND_UNIQUE_LIST,
  unique_count: ProtoKind.COMPUTED_TRAIT_KIND_UNIQUE_COUNT,
});

/** A proto `ComputedTraitDefinition` read into the domain one; usable inside request schemas. */
export const protoComputedTraitDefinition = z
  .object(
    {
      ...definitionShape,
      kind: kinds.schema,
      filter: z.object({ ...filterShape, conditions: protoConditionList }).default(emptyFilter),
    },
    required(),
  )
  .superRefine(checkProperty);

/** Throws `InvalidArgument` naming fields like `definition.filter.conditions[0].operator`. */
export function computedTraitDefinitionFromProto(
  definition: ProtoDefinition | undefined,
  field = 'definition',
): ComputedTraitDefinition {
  return parseProto(protoComputedTraitDefinition, definition, field);
}

export function computedTraitDefinitionToProto(definition: ComputedTraitDefinition): ProtoDefinition {
  const { key, kind, property, filter, windowDays } = definition;
  return {
    key,
    kind: kinds.toProto(kind),
    property,
    filter: { name: filter.name, conditions: filter.conditions.map(conditionToProto) },
    windowDays,
  };
}
