import { InvalidArgument } from '@prism/errors';
import {
  ComparisonOperator,
  ComputedTraitKind,
  type ComputedTraitDefinition as ProtoDefinition,
} from '@prism/proto/prism/profile/v1/profile';
import { describe, expect, it } from 'vitest';
import { computedTraitDefinitionSchema } from './definition.js';
import { computedTraitDefinitionFromProto, computedTraitDefinitionToProto } from './definition-proto.js';

const proto: ProtoDefinition = {
  key: 'revenue_last_30_days',
  kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_SUM,
  property: 'total',
  filter: {
    name: 'Order Completed',
    conditions: [{ key: 'currency', operator: ComparisonOperator.COMPARISON_OPERATOR_EQUALS, value: 'EUR' }],
  },
  windowDays: 30,
};

const violationsOf = (definition: ProtoDefinition | undefined) => {
  try {
    computedTraitDefinitionFromProto(definition);
  } catch (error) {
    if (error instanceof InvalidArgument) return error.violations;
    throw error;
  }
  throw new Error('expected InvalidArgument');
};

describe('computed trait definitions from proto', () => {
  it('reads a valid definition and maps it back unchanged', () => {
    const definition = computedTraitDefinitionFromProto(proto);
    expect(definition).toEqual({
      key: 'revenue_last_30_days',
      kind: 'sum',
      property: 'total',
      filter: {
        name: 'Order Completed',
        conditions: [{ key: 'currency', operator: 'equals', value: 'EUR' }],
      },
      windowDays: 30,
    });
    expect(computedTraitDefinitionToProto(definition)).toEqual(proto);
  });

  it('defaults a missing filter to any event', () => {
    const counter = {
      ...proto,
      kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_EVENT_COUNTER,
      property: '',
      filter: undefined,
    };
    expect(computedTraitDefinitionFromProto(counter).filter).toEqual({ name: '', conditions: [] });
  });

  it.each<[string, Partial<ProtoDefinition>, string]>([
    ['an upper-case key', { key: 'Revenue' }, 'definition.key'],
    ['a key over 64 characters', { key: `a${'b'.repeat(64)}` }, 'definition.key'],
    ['an unspecified kind', { kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_UNSPECIFIED }, 'definition.kind'],
    ['a missing property', { property: '' }, 'definition.property'],
    ['a malformed property path', { property: 'product.' }, 'definition.property'],
    [
      'a counter with a property',
      { kind: ComputedTraitKind.COMPUTED_TRAIT_KIND_EVENT_COUNTER },
      'definition.property',
    ],
    ['a negative window', { windowDays: -1 }, 'definition.window_days'],
    ['a window over ten years', { windowDays: 3651 }, 'definition.window_days'],
    ['a fractional window', { windowDays: 1.5 }, 'definition.window_days'],
    [
      'an unspecified condition operator',
      { filter: { name: '', conditions: [{ key: 'total', operator: 0, value: 1 }] } },
      'definition.filter.conditions[0].operator',
    ],
    [
      'a condition value of the wrong type',
      {
        filter: {
          name: '',
          conditions: [
            { key: 'total', operator: ComparisonOperator.COMPARISON_OPERATOR_LESS_THAN, value: 'x' },
          ],
        },
      },
      'definition.filter.conditions[0].value',
    ],
  ])('rejects %s naming %s', (_case, change, field) => {
    expect(violationsOf({ ...proto, ...change })).toEqual([
      { field, description: expect.any(String) as string },
    ]);
  });

  it('rejects a missing definition', () => {
    expect(violationsOf(undefined)).toEqual([{ field: 'definition', description: 'is required' }]);
  });
});

describe('computedTraitDefinitionSchema', () => {
  it('accepts a stored definition as it was written', () => {
    const stored = computedTraitDefinitionFromProto(proto);
    expect(computedTraitDefinitionSchema.parse(stored)).toEqual(stored);
  });

  it('requires the property for every kind but event_counter', () => {
    const result = computedTraitDefinitionSchema.safeParse({ key: 'x', kind: 'unique_list', windowDays: 0 });
    expect(result.error?.issues).toEqual([
      expect.objectContaining({ path: ['property'], message: 'is required for unique_list' }),
    ]);
  });
});
