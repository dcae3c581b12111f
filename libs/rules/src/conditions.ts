import { z } from 'zod';

/**
 * A condition on a JSON object: an event's properties (computed trait filters) or a profile's
 * traits (profile search). Matching rules:
 * - `key` is a dotted path (`product.category`); an exact key holding the dots wins over the path.
 * - Numbers compare numerically, and so do numeric strings (`"42"` equals `42`, `"042"` too).
 * - ISO 8601 dates (`2024-05-01`, `2024-05-01T10:00:00Z`) compare as instants; a date-time
 *   without an offset is read as UTC. Other strings only support equality and `contains`.
 * - `equals` / `not_equals` on strings and booleans are exact and case-sensitive (`"true"` is not
 *   `true`); `contains` is a case-insensitive substring on strings and membership (by `equals`)
 *   on arrays.
 * - A missing or `null` property matches nothing but `not_equals` (it equals nothing) and
 *   `exists` with `value: false`.
 */
export const CONDITION_OPERATORS = [
  'equals',
  'not_equals',
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
  'contains',
  'exists',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

export type Json = z.core.util.JSONType;
export type Scalar = string | number | boolean;

export interface Condition {
  key: string;
  operator: ConditionOperator;
  /** A scalar; a number or a numeric/date string for orderings; for `exists`, `false` = absent. */
  value?: Json;
}

/** A property path: dot-separated, no empty segment. */
export const propertyPath = z
  .string()
  .trim()
  .min(1, { error: 'must not be empty', abort: true })
  .max(200, 'must be at most 200 characters')
  .refine((path) => path.split('.').every(Boolean), 'must not have an empty path segment');

const ORDERINGS: ReadonlySet<ConditionOperator> = new Set([
  'greater_than',
  'greater_or_equal',
  'less_than',
  'less_or_equal',
]);

export const conditionSchema = z
  .object({
    key: propertyPath,
    operator: z.enum(CONDITION_OPERATORS),
    value: z.json().optional(),
  })
  .superRefine(({ operator, value }, ctx) => {
    const problem = valueProblem(operator, value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

function valueProblem(operator: ConditionOperator, value: unknown): string | undefined {
  if (operator === 'exists')
    return value === undefined || typeof value === 'boolean' ? undefined : 'must be a boolean or unset';
  if (ORDERINGS.has(operator))
    return orderable(value) === undefined ? 'must be a number, a numeric string or an ISO date' : undefined;
  return isScalar(value) ? undefined : 'must be a string, a number or a boolean';
}

export const MAX_CONDITIONS = 20;

export const conditionListOf = <Item extends z.ZodType>(item: Item) =>
  z.array(item).max(MAX_CONDITIONS, `must have at most ${MAX_CONDITIONS} conditions`);

export const conditionList = conditionListOf(conditionSchema);

export function matchesCondition(subject: Record<string, unknown>, condition: Condition): boolean {
  const actual = valueAtPath(subject, condition.key);
  const { operator, value } = condition;
  if (operator === 'exists') return (actual !== undefined) === (value ?? true);
  if (operator === 'not_equals') return !(actual !== undefined && equalsValue(actual, value));
  if (actual === undefined) return false;
  switch (operator) {
    case 'equals':
      return equalsValue(actual, value);
    case 'contains':
      return contains(actual, value);
    default: {
      const order = compareOrdered(actual, value);
      if (order === undefined) return false;
      if (operator === 'greater_than') return order > 0;
      if (operator === 'greater_or_equal') return order >= 0;
      if (operator === 'less_than') return order < 0;
      return order <= 0;
    }
  }
}

/** The value at a dotted path; `null` counts as absent (undefined). */
export function valueAtPath(subject: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(subject, path)) return subject[path] ?? undefined;
  let current: unknown = subject;
  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current ?? undefined;
}

export function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A finite number from a number or numeric string; undefined otherwise. */
export function numericValue(value: unknown): number | undefined {
  const number =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && NUMERIC.test(value)
        ? Number(value)
        : NaN;
  return Number.isFinite(number) ? number : undefined;
}

function dateValue(value: unknown): number | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.getTime();
  if (typeof value !== 'string' || !ISO_DATE.test(value)) return undefined;
  const hasZone = value.length <= 10 || /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const time = Date.parse(hasZone ? value : `${value}Z`);
  return Number.isNaN(time) ? undefined : time;
}

/**
 * What a value is ordered by, as the orderings read it: a number (numbers and numeric strings)
 * or a date's instant (ISO 8601; no offset means UTC); numbers win, so `"2024"` is a number.
 * Other values have no order.
 */
export function orderable(value: unknown): { kind: 'number' | 'date'; at: number } | undefined {
  const number = numericValue(value);
  if (number !== undefined) return { kind: 'number', at: number };
  const date = dateValue(value);
  return date === undefined ? undefined : { kind: 'date', at: date };
}

function compareOrdered(actual: unknown, expected: unknown): number | undefined {
  const a = orderable(actual);
  const b = orderable(expected);
  return a && b && a.kind === b.kind ? a.at - b.at : undefined;
}

function equalsValue(actual: unknown, expected: unknown): boolean {
  const order = compareOrdered(actual, expected);
  return order === undefined ? actual === expected : order === 0;
}

function contains(actual: unknown, expected: unknown): boolean {
  if (typeof actual === 'string') return actual.toLowerCase().includes(String(expected).toLowerCase());
  return Array.isArray(actual) && actual.some((item) => item !== null && equalsValue(item, expected));
}
