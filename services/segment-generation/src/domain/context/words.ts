/**
 * Words of free text as the context interpreter and the pain-point ranking compare them: folded
 * (lower case, no diacritics) and lightly stemmed, so "Runners", "running" and "runs" meet.
 */

/** A word of the text: a run of letters, marks and digits, with what surrounds it. */
export interface Token {
  /** As written. */
  text: string;
  /** Folded. */
  folded: string;
  stem: string;
  start: number;
  end: number;
  /** The characters between the previous word (or the start) and this one. */
  before: string;
  /** The characters between this word and the next one (or the end). */
  after: string;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const start = match.index;
    const previousEnd = tokens.at(-1)?.end ?? 0;
    const folded = fold(match[0]);
    tokens.push({
      text: match[0],
      folded,
      stem: stem(folded),
      start,
      end: start + match[0].length,
      before: text.slice(previousEnd, start),
      after: '',
    });
  }
  tokens.forEach((token, i) => {
    token.after = text.slice(token.end, tokens[i + 1]?.start ?? text.length);
  });
  return tokens;
}

/** Lower case without diacritics ("Málaga" → "malaga"). */
export function fold(word: string): string {
  return word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

const PLURAL_S = /(?<![su])s$/;
const SUFFIXES = ['ing', 'ist', 'er', 'ed', 'or'];
const MIN_STEM = 3;

/**
 * A light suffix stripper, applied the same way to the text and to what it is compared with,
 * so only consistency matters: plural s, then one of -ing/-ist/-er/-ed/-or, a doubled final
 * consonant, then trailing e/i/y. "runners" and "running" → "run", "hikers" and "hiking" →
 * "hik", "families" and "family" → "famil". Words of three letters or fewer stay as they are.
 */
export function stem(word: string): string {
  let stemmed = fold(word).replace(/['’]s$/, '');
  if (stemmed.length <= MIN_STEM) return stemmed;
  stemmed = stemmed.replace(PLURAL_S, '');
  const suffix = SUFFIXES.find((end) => stemmed.endsWith(end) && stemmed.length - end.length >= MIN_STEM);
  if (suffix) stemmed = stemmed.slice(0, -suffix.length);
  stemmed = stemmed.replace(/([^aeiou\d])\1$/, '$1');
  while (stemmed.length > MIN_STEM && /[eiy]$/.test(stemmed)) stemmed = stemmed.slice(0, -1);
  return stemmed;
}

/** The stems of a phrase's words, in order ("Tech gadgets" → ["tech", "gadget"]). */
export function stemsOf(phrase: string): string[] {
  return tokenize(phrase).map((token) => token.stem);
}

/**
 * Words that carry no targeting meaning on their own: English function words and the filler
 * of a brief ("focus on", "people who love", "audience"). Single letters are stop words too.
 */
const STOP_WORDS: ReadonlySet<string> = new Set(
  `a about above across after again against all also am among an and any are around as at be been being both but
  by can could did do does doing during each especially etc even every few for from further had has have having
  he her here hers him his how i if in into is it its just least less like likes liked love loves loved loving
  mainly many may me might more most mostly much must my near nor of off on once only or other our ours out own
  particularly per please rather really same she should so some such than that the their theirs them then there
  these they this those through to too under until up us very via was we were what when where which while who
  whom whose why will with within would you your yours
  audience audiences consumer consumers customer customers enjoy enjoys enjoying fan fans focus focused focusing
  folk folks group groups individuals interested lover lovers enthusiast enthusiasts people person persons
  profile profiles target targeted targeting targets user users based living live lives located mostly
  primarily segment segments want wants looking area areas country countries region regions market markets`.split(
    /\s+/,
  ),
);

export function isStopWord(folded: string): boolean {
  return folded.length <= 1 || STOP_WORDS.has(folded);
}

/** Words that negate the understood phrase right after them ("not in Germany"). */
export const NEGATIONS: ReadonlySet<string> = new Set(['not', 'except', 'excluding', 'without', 'non', 'no']);
