import type { Rule } from '@prism/rules';
import { allOf, anyOf, type Emphasis, type Matcher, type Reading } from './matcher-kit.js';
import { isStopWord, NEGATIONS, type Token, tokenize } from './words.js';

/** What a text says, phrase by phrase, and what it says that nothing understood. */
export interface TextReading {
  /** In the order of the text. */
  understood: ((Reading | Emphasis) & { phrase: string })[];
  /** Runs of leftover words that are not stop words, as written. */
  unrecognised: string[];
}

/**
 * Reads the text left to right: at each word the longest phrase any matcher understands wins
 * (ties go to the earlier matcher); a negation ("not", "except") before a phrase, with only stop
 * words between, negates it. Every word ends up understood, a stop word, or unrecognised.
 */
export function readText(text: string, matchers: readonly Matcher[]): TextReading {
  const tokens = tokenize(text);
  const understood: TextReading['understood'] = [];
  const leftover: number[] = [];
  for (let at = 0; at < tokens.length; ) {
    const found = matchAt(tokens, at, matchers);
    if (!found) {
      leftover.push(at++);
      continue;
    }
    const { match, end, negated } = found;
    const phrase = phraseOf(text, tokens.slice(at, end));
    understood.push({ ...(negated && !('weights' in match) ? negation(match) : match), phrase });
    at = end;
  }
  return { understood, unrecognised: runsOf(text, tokens, leftover) };
}

/** The phrase read at `at`, or a negation there and the phrase it negates; `end` is past both. */
function matchAt(tokens: readonly Token[], at: number, matchers: readonly Matcher[]) {
  const direct = bestMatch(tokens, at, matchers);
  if (direct) return { match: direct, end: at + direct.length, negated: false };
  if (!NEGATIONS.has(tokens[at]?.folded ?? '')) return undefined;
  let next = at + 1;
  while (next < tokens.length && isStopWord(tokens[next]?.folded ?? '')) next++;
  const negated = bestMatch(tokens, next, matchers);
  if (!negated || 'weights' in negated) return undefined;
  return { match: negated, end: next + negated.length, negated: true };
}

function bestMatch(tokens: readonly Token[], at: number, matchers: readonly Matcher[]) {
  let best: Reading | Emphasis | undefined;
  for (const matcher of matchers) {
    const match = matcher(tokens, at);
    if (match && match.length > (best?.length ?? 0)) best = match;
  }
  return best;
}

function negation(reading: Reading): Reading {
  const { ages: _, ...rest } = reading;
  return {
    ...rest,
    meaning: `not: ${reading.meaning}`,
    condition: { not: reading.condition },
    negated: true,
  };
}

/** The text of the tokens, with a plus sign right after the last one ("40+"). */
function phraseOf(text: string, tokens: readonly Token[]): string {
  const last = tokens.at(-1);
  const sign = last?.after.startsWith('+') ? 1 : 0;
  return text.slice(tokens[0]?.start, (last?.end ?? 0) + sign);
}

/** Consecutive leftover words that are not stop words, split where punctuation separates them. */
function runsOf(text: string, tokens: readonly Token[], leftover: readonly number[]): string[] {
  const runs: [number, number][] = [];
  for (const index of leftover) {
    const token = tokens[index];
    if (!token || isStopWord(token.folded)) continue;
    const last = runs.at(-1);
    if (last && last[1] === index - 1 && /^\s*$/.test(token.before)) last[1] = index;
    else runs.push([index, index]);
  }
  return runs.map(([first, last]) => text.slice(tokens[first]?.start, tokens[last]?.end));
}

/**
 * The narrowing the readings add up to: readings of one kind are alternatives (any), except age
 * ranges that overlap ("over 25, under 40"), which narrow together; kinds narrow together (all).
 * Negated readings each stand alone.
 */
export function narrowingOf(readings: readonly Reading[]): Rule | undefined {
  const byKind = new Map<string, Reading[]>();
  readings.forEach((reading, i) => {
    const kind = reading.negated ? `not ${i}` : reading.kind;
    byKind.set(kind, [...(byKind.get(kind) ?? []), reading]);
  });
  const rules = [...byKind.values()].map((group) => {
    const conditions = distinct(group.map(({ condition }) => condition));
    return overlapping(group) ? allOf(conditions) : anyOf(conditions);
  });
  return rules.length === 0 ? undefined : allOf(rules);
}

function overlapping(group: readonly Reading[]): boolean {
  const spans = group.map(({ ages }) => ages);
  if (spans.length < 2 || spans.some((span) => span === undefined)) return false;
  const from = Math.max(...spans.map((span) => span?.[0] ?? 0));
  const to = Math.min(...spans.map((span) => span?.[1] ?? 0));
  return from <= to;
}

function distinct(rules: readonly Rule[]): Rule[] {
  const seen = new Map(rules.map((rule) => [JSON.stringify(rule), rule]));
  return [...seen.values()];
}
