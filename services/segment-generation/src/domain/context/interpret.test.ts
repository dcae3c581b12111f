import { matchesRule, type Rule, ruleSchema } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { interpretContext } from './interpret.js';
import { profiles, quartileOf, trait, vocabulary } from './test-support.js';
import { isStopWord } from './words.js';

const filterOf = (text: string) => interpretContext(text, vocabulary).filter;
const matched = (rule: Rule | undefined) =>
  profiles.filter(({ traits }) => !rule || matchesRule(rule, { traits }));

describe('interpretContext', () => {
  it('reads a place, an age range and an interest, and leaves nothing unrecognised', () => {
    const reading = interpretContext('focus on Europe, ages 25-40, runners', vocabulary);
    const europe = [
      'AT',
      'BE',
      'CH',
      'DE',
      'DK',
      'ES',
      'FI',
      'FR',
      'GB',
      'GR',
      'IE',
      'IT',
      'NL',
      'NO',
      'PL',
      'PT',
      'SE',
    ];
    expect(reading.filter).toEqual({
      all: [
        trait('country', 'in', europe),
        trait('age', 'greater_or_equal', 25),
        trait('age', 'less_or_equal', 40),
        trait('interests', 'contains', 'running'),
      ],
    });
    expect(reading.understood.map(({ phrase }) => phrase)).toEqual(['Europe', 'ages 25-40', 'runners']);
    expect(reading.unrecognised).toEqual([]);
    for (const { traits } of matched(reading.filter)) {
      expect(europe).toContain(traits.country);
      expect(traits.interests).toContain('running');
    }
  });

  it('reads gender, country, interest and a behaviour as a quartile of the data', () => {
    const reading = interpretContext('women in Germany who love yoga; high spenders', vocabulary);
    expect(reading.filter).toEqual({
      all: [
        trait('gender', 'equals', 'female'),
        trait('country', 'equals', 'DE'),
        trait('interests', 'contains', 'yoga'),
        trait('avg_order_total_90d', 'greater_or_equal', quartileOf('avg_order_total_90d', 0.75)),
      ],
    });
    expect(reading.unrecognised).toEqual([]);
    expect(matched(reading.filter).length).toBeGreaterThan(0);
  });

  it('ignores case and punctuation', () => {
    expect(filterOf('WOMEN in GERMANY!!! who LOVE Yoga...')).toEqual(
      filterOf('women in germany who love yoga'),
    );
    expect(filterOf('  Runners;;; (ages 25–40)  ')).toEqual(filterOf('runners ages 25-40'));
  });

  it('reports nonsense back and narrows nothing', () => {
    const reading = interpretContext('purple elephants quantum', vocabulary);
    expect(reading).toEqual({
      filter: undefined,
      understood: [],
      unrecognised: ['purple elephants quantum'],
      emphasis: new Map(),
    });
    expect(interpretContext('runners, purple elephants; and quantum', vocabulary).unrecognised).toEqual([
      'purple elephants',
      'quantum',
    ]);
  });

  it('reads an empty or blank text as no narrowing', () => {
    for (const text of ['', '   ', '...!?']) {
      expect(interpretContext(text, vocabulary)).toEqual({
        filter: undefined,
        understood: [],
        unrecognised: [],
        emphasis: new Map(),
      });
    }
  });

  it('reports places and interests this data has nobody for as unrecognised, narrowing nothing', () => {
    const reading = interpretContext('runners in Japan who love skiing', vocabulary);
    expect(reading.unrecognised).toEqual(['Japan', 'skiing']);
    expect(reading.filter).toEqual(trait('interests', 'contains', 'running'));
    expect(interpretContext('Africa', vocabulary)).toMatchObject({
      filter: undefined,
      unrecognised: ['Africa'],
    });
  });

  it('weights features for an emphasis instead of narrowing', () => {
    const reading = interpretContext('emphasise behaviour; prioritise interests', vocabulary);
    expect(reading.filter).toBeUndefined();
    expect(reading.emphasis).toEqual(
      new Map([
        ...['pages_7d', 'sessions_30d', 'orders_90d', 'coupon_orders_90d', 'avg_order_total_90d'].map(
          (key) => [key, 2] as const,
        ),
        ['interests', 2] as const,
      ]),
    );
    expect(reading.understood.map(({ phrase, condition }) => [phrase, condition])).toEqual([
      ['emphasise behaviour', undefined],
      ['prioritise interests', undefined],
    ]);
  });

  it('does not break on text far over the 300 characters callers allow', () => {
    const text = 'women in Germany who love yoga; '.repeat(200);
    expect(interpretContext(text, vocabulary).filter).toEqual(filterOf('women in Germany who love yoga'));
  });

  it('never throws on any text up to 300 characters, and gives a valid rule or none', () => {
    const words = fc.constantFrom(
      'runners',
      'Europe',
      'DE',
      'ages',
      '25-40',
      'over',
      '60',
      'not',
      'women',
      'high',
      'spenders',
      '+',
      '-',
      ',',
      ' ',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc.array(words, { maxLength: 60 }).map((parts) => parts.join(' ').slice(0, 300)),
    );
    fc.assert(
      fc.property(text, (input) => {
        const { filter } = interpretContext(input, vocabulary);
        if (filter) expect(ruleSchema.safeParse(filter).success).toBe(true);
      }),
    );
  });

  it('accounts for every word: understood, a stop word, or unrecognised', () => {
    const vocabularyWords = fc.constantFrom(
      'runners',
      'yoga',
      'Germany',
      'in',
      'who',
      'love',
      'not',
      'purple',
      'over',
      '30',
      'high',
      'spenders',
      'Gen',
      'Z',
    );
    const text = fc.oneof(
      fc.string({ maxLength: 300, unit: 'binary' }),
      fc.array(vocabularyWords, { maxLength: 50 }).map((parts) => parts.join(' ')),
    );
    fc.assert(
      fc.property(text, (input) => {
        const { understood, unrecognised } = interpretContext(input, vocabulary);
        const accounted = [...understood.map(({ phrase }) => phrase), ...unrecognised]
          .join(' ')
          .toLowerCase();
        for (const [word] of input.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) {
          const folded = word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
          if (!isStopWord(folded)) expect(accounted).toContain(word.toLowerCase());
        }
      }),
    );
  });
});
