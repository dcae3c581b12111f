import { InvalidArgument } from '@prism/errors';
import { ComparisonOperator } from '@prism/proto/prism/profile/v1/profile';
import { describe, expect, it } from 'vitest';
import { conditionsFromProto, conditionToProto } from './conditions-proto.js';

describe('conditions from proto', () => {
  it('maps operators and keeps the decoded value, both ways', () => {
    const proto = [
      { key: 'total', operator: ComparisonOperator.COMPARISON_OPERATOR_GREATER_THAN, value: 10 },
    ];
    const conditions = conditionsFromProto(proto);
    expect(conditions).toEqual([{ key: 'total', operator: 'greater_than', value: 10 }]);
    expect(conditions.map(conditionToProto)).toEqual(proto);
  });

  it('names the failing field in snake_case under the given prefix', () => {
    const call = () =>
      conditionsFromProto(
        [
          { key: 'ok', operator: ComparisonOperator.COMPARISON_OPERATOR_EXISTS },
          { key: 'x', operator: ComparisonOperator.COMPARISON_OPERATOR_UNSPECIFIED, value: 1 },
          { key: '', operator: ComparisonOperator.COMPARISON_OPERATOR_EQUALS, value: {} },
        ],
        'search.conditions',
      );
    expect(call).toThrow(InvalidArgument);
    expect(() => call()).toThrow(
      expect.objectContaining({
        violations: [
          {
            field: 'search.conditions[1].operator',
            description: expect.stringContaining('must be one of EQUALS'),
          },
          { field: 'search.conditions[2].key', description: 'must not be empty' },
        ],
      }),
    );
  });
});
