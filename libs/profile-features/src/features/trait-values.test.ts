import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyTally, kindOf, listItems, readLevel, readNumber, tallyValue } from './trait-values.js';

describe('reading trait values', () => {
  it('reads numbers and strings that spell numbers, and nothing else, as numbers', () => {
    expect(readNumber(42)).toBe(42);
    expect(readNumber(' 3.5 ')).toBe(3.5);
    expect(readNumber('-1e3')).toBe(-1000);
    expect(readNumber('')).toBeUndefined();
    expect(readNumber('50-75k')).toBeUndefined();
    expect(readNumber(Number.NaN)).toBeUndefined();
    expect(readNumber(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(readNumber(true)).toBeUndefined();
  });

  it('reads levels as trimmed text, numbers and booleans as a form would store them', () => {
    expect(readLevel('  urban ')).toBe('urban');
    expect(readLevel('   ')).toBeUndefined();
    expect(readLevel(3)).toBe('3');
    expect(readLevel(false)).toBe('false');
    expect(readLevel(null)).toBeUndefined();
    expect(readLevel({ city: 'Paris' })).toBeUndefined();
  });

  it('takes a lone value of a list trait as a list of one', () => {
    expect(listItems(['running', 'yoga'])).toEqual(['running', 'yoga']);
    expect(listItems('running')).toEqual(['running']);
    expect(listItems(undefined)).toEqual([]);
  });
});

describe('the kind of a trait', () => {
  const kindOfValues = (values: unknown[]) => {
    const tally = emptyTally();
    for (const value of values) tallyValue(tally, value);
    return kindOf(tally);
  };

  it('follows the majority of present values, so a few dirty ones do not flip it', () => {
    expect(kindOfValues([31, '42', 'unknown', 28])).toBe('numeric');
    expect(kindOfValues(['urban', 'rural', 3])).toBe('categorical');
    expect(kindOfValues([['a'], ['b'], 'c'])).toBe('list');
    expect(kindOfValues([undefined, null, {}])).toBeUndefined();
  });

  it('never depends on the order of the values', () => {
    const value = fc.oneof(
      fc.integer(),
      fc.string(),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(fc.array(value, { maxLength: 30 }), (values) => {
        expect(kindOfValues([...values].reverse())).toBe(kindOfValues(values));
      }),
    );
  });
});
