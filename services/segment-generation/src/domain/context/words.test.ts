import { describe, expect, it } from 'vitest';
import { stem, tokenize } from './words.js';

describe('stem', () => {
  it.each([
    ['runners', 'running', 'runs'],
    ['hikers', 'hiking', 'hike'],
    ['cyclists', 'cycling', 'cycle'],
    ['families', 'family', 'Family'],
    ['gamers', 'gaming', 'games'],
    ['travellers', 'traveling', 'travel'],
    ['retirees', 'retired', 'retire'],
  ])('brings %s, %s and %s together', (...words) => {
    expect(new Set(words.map(stem)).size).toBe(1);
  });

  it('leaves short words as they are and folds diacritics', () => {
    expect(stem('men')).toBe('men');
    expect(stem('Málaga')).toBe(stem('malaga'));
  });
});

describe('tokenize', () => {
  it('keeps what surrounds each word', () => {
    expect(tokenize('ages 25-40, 60+').map(({ text, before, after }) => [before, text, after])).toEqual([
      ['', 'ages', ' '],
      [' ', '25', '-'],
      ['-', '40', ', '],
      [', ', '60', '+'],
    ]);
  });
});
