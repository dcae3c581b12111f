import { describe, expect, it } from 'vitest';
import { interpretContext } from './interpret.js';
import { quartileOf, trait, vocabulary } from './test-support.js';

const filterOf = (text: string) => interpretContext(text, vocabulary).filter;

describe('interpretContext, phrase by phrase', () => {
  it.each([
    ['ages 25-40', 25, 40],
    ['aged 25 – 40 years old', 25, 40],
    ['25 to 40', 25, 40],
    ['between 25 and 40', 25, 40],
    ['25-40 year olds', 25, 40],
    ['under 30', undefined, 29],
    ['younger than 30', undefined, 29],
    ['over 60', 61, undefined],
    ['older than 60', 61, undefined],
    ['40+', 40, undefined],
    ['65 and over', 65, undefined],
    ['in their 30s', 30, 39],
    ['thirties', 30, 39],
    // Dated from 2026: millennials were born 1981–1996, Gen Z 1997–2012.
    ['millennials', 30, 45],
    ['Gen Z', 14, 29],
    ['retirees', 65, undefined],
  ])('reads the age phrase "%s"', (text, min, max) => {
    const bounds = [
      ...(min === undefined ? [] : [trait('age', 'greater_or_equal', min)]),
      ...(max === undefined ? [] : [trait('age', 'less_or_equal', max)]),
    ];
    const reading = interpretContext(text, vocabulary);
    expect(reading.filter).toEqual(bounds.length === 1 ? bounds[0] : { all: bounds });
    expect(reading.unrecognised).toEqual([]);
  });

  it('narrows overlapping age phrases together and keeps disjoint ones as alternatives', () => {
    expect(filterOf('over 25, under 40')).toEqual({
      all: [trait('age', 'greater_or_equal', 26), trait('age', 'less_or_equal', 39)],
    });
    expect(filterOf('under 30 or over 60')).toEqual({
      any: [trait('age', 'less_or_equal', 29), trait('age', 'greater_or_equal', 61)],
    });
  });

  it.each([
    ['women', trait('gender', 'equals', 'female')],
    ['female shoppers', trait('gender', 'equals', 'female')],
    ['men', trait('gender', 'equals', 'male')],
    ['non-binary people', trait('gender', 'equals', 'non_binary')],
    ['women and men', trait('gender', 'in', ['female', 'male'])],
  ])('reads the gender phrase "%s"', (text, rule) => {
    expect(filterOf(text)).toEqual(rule);
  });

  it.each([
    ['Germany', trait('country', 'equals', 'DE')],
    ['DE', trait('country', 'equals', 'DE')],
    ['the Netherlands', trait('country', 'equals', 'NL')],
    ['Holland', trait('country', 'equals', 'NL')],
    ['USA', trait('country', 'equals', 'US')],
    ['UK', trait('country', 'equals', 'GB')],
    ['DACH', trait('country', 'in', ['AT', 'CH', 'DE'])],
    ['DE, AT, CH', trait('country', 'in', ['DE', 'AT', 'CH'])],
    // Iceland is a Nordic country, but nobody in this data lives there.
    ['Nordics', trait('country', 'in', ['DK', 'FI', 'NO', 'SE'])],
    ['Southern Europe', trait('country', 'in', ['ES', 'GR', 'IT', 'PT'])],
    ['North America', trait('country', 'in', ['CA', 'MX', 'US'])],
    ['Bavaria', trait('region', 'equals', 'Bavaria')],
    ['Malaga', trait('city', 'equals', 'Málaga')],
    ['Berlin', { any: [trait('region', 'equals', 'Berlin'), trait('city', 'equals', 'Berlin')] }],
  ])('reads the place "%s"', (text, rule) => {
    const reading = interpretContext(text, vocabulary);
    expect(reading.filter).toEqual(rule);
    expect(reading.unrecognised).toEqual([]);
  });

  it('takes lower-case two-letter words for words, not country codes', () => {
    expect(interpretContext('runners in de', vocabulary).unrecognised).toEqual(['de']);
    expect(interpretContext('FOCUS ON IT AND NO ONE ELSE IN DE', vocabulary).filter).toEqual(
      trait('country', 'equals', 'DE'),
    );
  });

  it.each([
    ['runners', trait('interests', 'contains', 'running')],
    ['hikers', trait('interests', 'contains', 'hiking')],
    ['runners and cyclists', trait('interests', 'in', ['running', 'cycling'])],
    ['tech lovers', trait('interests', 'contains', 'tech gadgets')],
    ['nurses', trait('occupation', 'equals', 'nurse')],
    ['urban', trait('settlement', 'equals', 'urban')],
    ['city dwellers', trait('settlement', 'equals', 'urban')],
    ['rural', trait('settlement', 'equals', 'rural')],
    ['sunny', trait('climateZone', 'in', ['mediterranean', 'tropical', 'arid'])],
    ['affluent', trait('incomeBand', 'in', ['100-150k', '>150k'])],
    ['high income', trait('incomeBand', 'in', ['100-150k', '>150k'])],
    ['budget', trait('incomeBand', 'in', ['<25k', '25-50k'])],
  ])('reads the value phrase "%s"', (text, rule) => {
    const reading = interpretContext(text, vocabulary);
    expect(reading.filter).toEqual(rule);
    expect(reading.unrecognised).toEqual([]);
  });

  it('reads a word that is a value of two traits as either', () => {
    expect(filterOf('sustainability')).toEqual({
      any: [trait('interests', 'contains', 'sustainability'), trait('values', 'contains', 'sustainability')],
    });
  });

  it.each([
    ['frequent buyers', 'orders_90d'],
    ['coupon users', 'coupon_orders_90d'],
    ['recently active', 'pages_7d'],
    ['high spenders', 'avg_order_total_90d'],
  ])('reads "%s" as the top quarter of %s', (text, key) => {
    expect(filterOf(text)).toEqual(trait(key, 'greater_or_equal', quartileOf(key, 0.75)));
  });

  it('reads lapsed customers as the bottom quarter of orders', () => {
    expect(filterOf('lapsed customers')).toEqual(
      trait('orders_90d', 'less_or_equal', quartileOf('orders_90d', 0.25)),
    );
  });

  it('reads a negation of the phrase after it', () => {
    const reading = interpretContext('runners, not in Germany', vocabulary);
    expect(reading.filter).toEqual({
      all: [trait('interests', 'contains', 'running'), { not: trait('country', 'equals', 'DE') }],
    });
    expect(reading.understood.map(({ phrase }) => phrase)).toEqual(['runners', 'not in Germany']);
  });
});
