import { Operator } from '@prism/proto/prism/rules/v1/rule';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protoPathOf } from './proto-path.js';
import type { Rule } from './rule.js';
import { ruleToProto } from './rule-proto.js';
import { rules } from './test-support.js';

/** Every path into a value, the value's own (`[]`) first. */
function pathsOf(value: unknown): PropertyKey[][] {
  if (typeof value !== 'object' || value === null) return [[]];
  const entries = Array.isArray(value)
    ? value.map((item, index) => [index, item] as const)
    : Object.entries(value);
  return [[], ...entries.flatMap(([key, item]) => pathsOf(item).map((path) => [key, ...path]))];
}

const at = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((current, segment) => (current as Record<PropertyKey, unknown>)[segment], value);

/** Follows a proto field path through ts-proto's objects: a oneof case, a camelCase field, an index. */
function atProtoPath(message: unknown, field: string): unknown {
  const segments = field.match(/[a-z_]+|\d+/g) ?? [];
  return segments.reduce<unknown>((current, segment) => {
    const { node, ...fields } = current as { node?: { $case: string; value: unknown } } & Record<
      string,
      unknown
    >;
    if (node) return node.$case === segment ? node.value : undefined;
    return fields[segment.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())];
  }, message);
}

describe('protoPathOf', () => {
  it.each([
    [['all', 2, 'trait', 'value'], 'all.rules[2].trait.value'],
    [['not', 'any', 0, 'event', 'where', 1, 'value'], 'not.any.rules[0].event.where[1].value'],
    [['any', 1, 'event', 'countOperator'], 'any.rules[1].event.count_operator'],
    [['not', 'not', 'event', 'withinDays'], 'not.not.event.within_days'],
    [['all', 0, 'audience', 'key'], 'all.rules[0].audience.audience_key'],
    [['all', 0, 'event', 'where', 0, 'key'], 'all.rules[0].event.where[0].key'],
    [['any', 3], 'any.rules[3]'],
    [['all'], 'all'],
    [[], ''],
  ])('names %j as %s', (path, field) => {
    expect(protoPathOf(path)).toBe(field);
  });

  it('leads, for every part of a rule, to the same part of its proto', () => {
    const operator = (name: unknown) =>
      Operator[`OPERATOR_${String(name).toUpperCase()}` as keyof typeof Operator];
    fc.assert(
      fc.property(rules, (rule: Rule) => {
        const proto = ruleToProto(rule);
        for (const path of pathsOf(rule)) {
          const value = at(rule, path);
          const field = protoPathOf(path);
          const expected = /operator$/i.test(String(path.at(-1))) ? operator(value) : value;
          if (typeof value !== 'object' || value === null)
            expect(atProtoPath(proto, field), field).toEqual(expected);
          else expect(atProtoPath(proto, field), field).toBeDefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
