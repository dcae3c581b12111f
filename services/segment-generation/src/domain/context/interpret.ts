import type { Rule } from '@prism/rules';
import { ageMatcher } from './ages.js';
import { behaviourMatcher } from './behaviours.js';
import { emphasisMatcher } from './emphasis.js';
import type { Matcher, Reading } from './matcher-kit.js';
import { genderMatcher, incomeMatcher } from './people.js';
import { placeMatcher } from './places.js';
import { narrowingOf, readText } from './text-reader.js';
import { valueMatcher } from './values.js';
import type { ContextVocabulary } from './vocabulary.js';

export interface UnderstoodPhrase {
  /** As written in the text. */
  phrase: string;
  /** What it was read as, for the operator ("country is Germany (DE)"). */
  meaning: string;
  /** The narrowing it adds; absent for an emphasis, which weights features instead. */
  condition?: Rule;
}

export interface ContextInterpretation {
  /** `all` of the understood narrowings (alternatives of one kind as `any`); none when nothing narrows. */
  filter: Rule | undefined;
  understood: UnderstoodPhrase[];
  /**
   * Leftover words and phrases that are not stop words, as written — including places and values
   * this data has no profile with ("Japan" when nobody lives there): they narrow nothing.
   */
  unrecognised: string[];
  /** Weight per trait key for the features an operator asked to emphasise; empty when none. */
  emphasis: Map<string, number>;
}

const matchersByVocabulary = new WeakMap<ContextVocabulary, Matcher[]>();

/** In order of precedence when two read phrases of the same length. */
function matchersOf(vocabulary: ContextVocabulary): Matcher[] {
  let matchers = matchersByVocabulary.get(vocabulary);
  if (!matchers) {
    matchers = [
      ageMatcher,
      genderMatcher,
      incomeMatcher,
      behaviourMatcher,
      placeMatcher,
      valueMatcher,
      emphasisMatcher,
    ].map((matcherOf) => matcherOf(vocabulary));
    matchersByVocabulary.set(vocabulary, matchers);
  }
  return matchers;
}

/**
 * The operator's free-text targeting context ("focus on Europe, ages 25-40, runners") as a
 * narrowing of the population, with how each phrase was read and what was not understood.
 */
export function interpretContext(text: string, vocabulary: ContextVocabulary): ContextInterpretation {
  const reading = readText(text, matchersOf(vocabulary));
  const emphasis = new Map<string, number>();
  const readings: Reading[] = [];
  const understood = reading.understood.map(({ phrase, meaning, ...match }): UnderstoodPhrase => {
    if ('weights' in match) {
      for (const [key, weight] of match.weights) emphasis.set(key, Math.max(weight, emphasis.get(key) ?? 0));
      return { phrase, meaning };
    }
    readings.push({ meaning, ...match });
    return { phrase, meaning, condition: match.condition };
  });
  return { filter: narrowingOf(readings), understood, unrecognised: reading.unrecognised, emphasis };
}
