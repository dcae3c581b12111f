import { InvalidArgument, protoFieldPath } from '@prism/errors';
import { protoEnum } from '@prism/grpc';
import type { ComparisonOperator, Condition as ProtoCondition } from '@prism/proto/prism/profile/v1/profile';
import {
  COMPARISON_OPERATORS,
  type Condition,
  type ConditionOperator,
  conditionListOf,
  conditionSchema,
} from '@prism/rules';
import { z } from 'zod';

/** Proto enums ↔ domain names: the wire uses numbers, domain rules and stored documents use names. */
export function enumCodec<Name extends string, Value extends number>(byName: Record<Name, Value>) {
  const byValue = new Map(
    Object.entries<Value>(byName).map(([name, value]) => [value as number, name as Name]),
  );
  const names = Object.keys(byName).join(', ').toUpperCase();
  return {
    toProto: (name: Name): Value => byName[name],
    /** A proto enum field: UNSPECIFIED and unknown numbers are violations naming the field. */
    schema: protoEnum((value) => byValue.get(value), names),
  };
}

const operators = enumCodec<ConditionOperator, ComparisonOperator>(COMPARISON_OPERATORS);

/** A proto `Condition` (its `google.protobuf.Value` already plain JSON) read into a domain condition. */
export const protoCondition = z
  .object({ key: z.string(), operator: operators.schema, value: z.json().optional() })
  .pipe(conditionSchema);

export const protoConditionList = conditionListOf(protoCondition);

/** SearchProfiles' conditions; violations name `conditions[i].…` (or `field[i].…`). */
export function conditionsFromProto(
  conditions: readonly ProtoCondition[],
  field = 'conditions',
): Condition[] {
  return parseProto(protoConditionList, conditions, field);
}

export { conditionToProto } from '@prism/rules';

/** Parses a proto message, throwing `InvalidArgument` whose fields are snake_case paths under `field`. */
export function parseProto<T>(schema: z.ZodType<T>, input: unknown, field: string): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidArgument(
    result.error.issues.map((issue) => ({
      field: protoFieldPath([field, ...issue.path]),
      description: issue.message,
    })),
  );
}
