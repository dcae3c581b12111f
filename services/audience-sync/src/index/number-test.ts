import { type CountOperator, numericValue, type TraitCondition } from '@prism/rules';

/**
 * Which numbers pass, as data rather than a closure so a column scan tests them inline: those
 * in [low, high] (outside it when `inside` is false), and of `accepted` when there is one.
 */
export interface NumberTest {
  low: number;
  high: number;
  inside: boolean;
  accepted?: ReadonlySet<number>;
}

const NONE: NumberTest = { low: Number.POSITIVE_INFINITY, high: Number.NEGATIVE_INFINITY, inside: true };
const EVERY: NumberTest = { ...NONE, inside: false };

export const passesNumber = ({ low, high, inside, accepted }: NumberTest, value: number): boolean =>
  (value >= low && value <= high) === inside && (accepted === undefined || accepted.has(value));

/** Whether no number passes (a scan can skip a column's numbers). */
export const passesNoNumber = ({ low, high, inside }: NumberTest): boolean => inside && low > high;

const bits = new Float64Array(1);
const bitsAsInteger = new BigInt64Array(bits.buffer);

/** The least double above a finite `value`: `x > value` is `x >= above(value)`, exactly. */
function above(value: number): number {
  if (value === 0) return Number.MIN_VALUE;
  bits[0] = value;
  bitsAsInteger[0] = (bitsAsInteger[0] as bigint) + (value > 0 ? 1n : -1n);
  return bits[0];
}

const below = (value: number) => -above(-value);

/** A comparison with a finite number as a range (event counts use it as it is). */
export function comparedTo(operator: CountOperator, expected: number): NumberTest {
  switch (operator) {
    case 'equals':
      return { low: expected, high: expected, inside: true };
    case 'not_equals':
      return { low: expected, high: expected, inside: false };
    case 'greater_than':
      return { low: above(expected), high: Number.POSITIVE_INFINITY, inside: true };
    case 'greater_or_equal':
      return { low: expected, high: Number.POSITIVE_INFINITY, inside: true };
    case 'less_than':
      return { low: Number.NEGATIVE_INFINITY, high: below(expected), inside: true };
    case 'less_or_equal':
      return { low: Number.NEGATIVE_INFINITY, high: expected, inside: true };
  }
}

/**
 * The rules on a number: orderings and equality against a number or numeric string compare
 * numerically; a date or a non-numeric value never equals or orders a number; `in` is equality
 * with any value; `contains` never holds on a number.
 */
export function numberTest({ operator, value }: TraitCondition): NumberTest {
  if (operator === 'exists') return value === false ? NONE : EVERY;
  if (operator === 'contains') return NONE;
  if (operator === 'in') {
    const accepted = (Array.isArray(value) ? value : []).flatMap((item) => numericValue(item) ?? []);
    if (accepted.length === 0) return NONE;
    return {
      low: Math.min(...accepted),
      high: Math.max(...accepted),
      inside: true,
      accepted: new Set(accepted),
    };
  }
  const expected = numericValue(value);
  if (expected === undefined) return operator === 'not_equals' ? EVERY : NONE;
  return comparedTo(operator, expected);
}
