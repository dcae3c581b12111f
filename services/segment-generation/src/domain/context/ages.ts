import type { Rule } from '@prism/rules';
import { allOf, type MatcherOf, PhraseTable, type Reading, traitRule } from './matcher-kit.js';
import { TRAIT } from './vocabulary.js';
import type { Token } from './words.js';

/** Ages people are given, from young children to the oldest customers. */
const MAX_AGE = 120;

/** Inclusive bounds, open ends left out. */
export interface AgeSpan {
  min?: number;
  max?: number;
  /** What the ages stand for, e.g. "born 1981–1996". */
  note?: string;
}

/**
 * Generations by birth year, as the Pew Research Center dates them, and life stages by age.
 * Retirees are read as an age (65+), the usual retirement age, not as an occupation.
 */
const GENERATIONS: [string[], number, number][] = [
  [['gen z', 'genz', 'generation z', 'zoomers'], 1997, 2012],
  [['millennials', 'gen y', 'generation y'], 1981, 1996],
  [['gen x', 'generation x'], 1965, 1980],
  [['baby boomers', 'boomers'], 1946, 1964],
];
const LIFE_STAGES: [string[], number, number | undefined][] = [
  [['teens', 'teenagers'], 13, 19],
  [['young adults'], 18, 29],
  [['middle aged', 'middle-aged'], 40, 64],
  [['seniors', 'retirees', 'pensioners', 'elderly', 'older adults'], 65, undefined],
];
const DECADES = [
  'twenties',
  'thirties',
  'forties',
  'fifties',
  'sixties',
  'seventies',
  'eighties',
  'nineties',
];

const PREFIXES = new Set(['age', 'ages', 'aged', 'between']);
const RANGE_WORDS = new Set(['to', 'and']);
const DASHES = /^\s*[-–—]\s*$/;
const UNITS = new Set(['years', 'year', 'yrs', 'yr', 'yo', 'y']);
const OLD = new Set(['old', 'olds']);
/** Words that bound an age from above ("under 30") or below ("over 60"). */
const COMPARISONS: readonly [readonly string[], 'under' | 'over'][] = [
  [['under'], 'under'],
  [['below'], 'under'],
  [['younger', 'than'], 'under'],
  [['less', 'than'], 'under'],
  [['over'], 'over'],
  [['above'], 'over'],
  [['older', 'than'], 'over'],
  [['more', 'than'], 'over'],
];
const OR_MORE = new Set(['over', 'older', 'above', 'up', 'more']);

/** Age phrases: "ages 25-40", "25 to 40", "under 30", "over 60", "40+", "30s", "millennials". */
export const ageMatcher: MatcherOf = (vocabulary) => {
  if (!vocabulary.numbers.has(TRAIT.age)) return () => undefined;
  const named = namedSpans(vocabulary.year);
  return (tokens, at) => {
    const start = PREFIXES.has(tokens[at]?.folded ?? '') ? at + 1 : at;
    const found = spanAt(tokens, start, named);
    if (found === undefined) return undefined;
    const end = afterUnits(tokens, start + found.length);
    return ageReading(found.span, end - at);
  };
};

function namedSpans(year: number): PhraseTable<AgeSpan> {
  const table = new PhraseTable<AgeSpan>();
  for (const [names, born, until] of GENERATIONS) {
    const span = { min: year - until, max: year - born, note: `born ${born}–${until}` };
    for (const name of names) table.add(name, span);
  }
  for (const [names, min, max] of LIFE_STAGES) {
    for (const name of names) table.add(name, { min, max });
  }
  return table;
}

function spanAt(
  tokens: readonly Token[],
  at: number,
  named: PhraseTable<AgeSpan>,
): { span: AgeSpan; length: number } | undefined {
  const hit = named.longest(tokens, at);
  const [span] = hit?.payloads ?? [];
  if (hit && span) return { span, length: hit.length };
  return rangeAt(tokens, at) ?? comparisonAt(tokens, at) ?? orMoreAt(tokens, at) ?? decadeAt(tokens, at);
}

/** "25-40", "25 to 40", "between 25 and 40". */
function rangeAt(tokens: readonly Token[], at: number) {
  const from = ageOf(tokens[at]);
  if (from === undefined) return undefined;
  const dashed = DASHES.test(tokens[at]?.after ?? '');
  const offset = dashed ? 1 : RANGE_WORDS.has(tokens[at + 1]?.folded ?? '') ? 2 : 0;
  const to = offset > 0 ? ageOf(tokens[at + offset]) : undefined;
  if (to === undefined || to < from) return undefined;
  return { span: { min: from, max: to }, length: offset + 1 };
}

/** "under 30", "older than 60", "over 60s". */
function comparisonAt(tokens: readonly Token[], at: number) {
  for (const [words, side] of COMPARISONS) {
    if (!words.every((word, i) => tokens[at + i]?.folded === word)) continue;
    const target = tokens[at + words.length];
    const age = ageOf(target);
    // "over 60s" takes in the sixties; "over 60" starts at 61.
    const bound = age ?? decadeOf(target)?.[0];
    if (bound === undefined) return undefined;
    const span = side === 'under' ? { max: bound - 1 } : { min: age === undefined ? bound : bound + 1 };
    return { span, length: words.length + 1 };
  }
  return undefined;
}

/** "40+", "40 plus", "65 and over", "18 or older". */
function orMoreAt(tokens: readonly Token[], at: number) {
  const min = ageOf(tokens[at]);
  if (min === undefined) return undefined;
  if (tokens[at]?.after.trimStart().startsWith('+')) return { span: { min }, length: 1 };
  if (tokens[at + 1]?.folded === 'plus') return { span: { min }, length: 2 };
  const joined = ['and', 'or'].includes(tokens[at + 1]?.folded ?? '');
  if (joined && OR_MORE.has(tokens[at + 2]?.folded ?? '')) return { span: { min }, length: 3 };
  return undefined;
}

/** "30s", "thirties". */
function decadeAt(tokens: readonly Token[], at: number) {
  const decade = decadeOf(tokens[at]);
  if (decade === undefined) return undefined;
  return { span: { min: decade[0], max: decade[1] }, length: 1 };
}

function ageOf(token: Token | undefined): number | undefined {
  if (!token || !/^\d{1,3}$/.test(token.folded)) return undefined;
  const age = Number(token.folded);
  return age <= MAX_AGE ? age : undefined;
}

function decadeOf(token: Token | undefined): [number, number] | undefined {
  const digits = /^([1-9])0s$/.exec(token?.folded ?? '')?.[1];
  const index = DECADES.indexOf(token?.folded ?? '');
  const start = digits !== undefined ? Number(digits) * 10 : index >= 0 ? (index + 2) * 10 : undefined;
  return start === undefined ? undefined : [start, start + 9];
}

/** Skips "years old", "year olds", "yo" after an age. */
function afterUnits(tokens: readonly Token[], at: number): number {
  let end = at;
  if (UNITS.has(tokens[end]?.folded ?? '')) end++;
  if (OLD.has(tokens[end]?.folded ?? '')) end++;
  return end;
}

export function ageReading(span: AgeSpan, length: number): Reading {
  const bounds: Rule[] = [];
  if (span.min !== undefined) bounds.push(traitRule(TRAIT.age, 'greater_or_equal', span.min));
  if (span.max !== undefined) bounds.push(traitRule(TRAIT.age, 'less_or_equal', span.max));
  const range =
    span.max === undefined
      ? `${span.min}+`
      : span.min === undefined
        ? `up to ${span.max}`
        : `${span.min}–${span.max}`;
  return {
    length,
    meaning: span.note ? `age ${range} (${span.note})` : `age ${range}`,
    kind: TRAIT.age,
    condition: allOf(bounds),
    ages: [span.min ?? 0, span.max ?? MAX_AGE],
  };
}
