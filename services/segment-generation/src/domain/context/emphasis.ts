import { keyWords } from './behaviours.js';
import type { Emphasis, MatcherOf } from './matcher-kit.js';
import { TRAIT } from './vocabulary.js';
import type { Token } from './words.js';

/** How much more an emphasised feature weighs than the others. */
export const EMPHASIS_WEIGHT = 2;

const VERBS = new Set(['emphasise', 'emphasize', 'emphasis', 'prioritise', 'prioritize', 'stress']);
const BEHAVIOUR = new Set(['behaviour', 'behaviours', 'behavior', 'behaviors', 'behavioural', 'behavioral']);

/**
 * "emphasise behaviour" weights every numeric trait but age (the computed behaviour traits);
 * "prioritise interests" weights the trait of that name. Optional "on" between the two.
 */
export const emphasisMatcher: MatcherOf = (vocabulary) => {
  const behaviourKeys = [...vocabulary.numbers.keys()].filter((key) => key !== TRAIT.age);
  const keys = [...vocabulary.values.keys(), ...vocabulary.numbers.keys()];
  return (tokens, at): Emphasis | undefined => {
    if (!VERBS.has(tokens[at]?.folded ?? '')) return undefined;
    const targetAt = tokens[at + 1]?.folded === 'on' ? at + 2 : at + 1;
    const target = tokens[targetAt];
    if (!target) return undefined;
    const named = BEHAVIOUR.has(target.folded) ? behaviourKeys : keys.filter((key) => names(key, target));
    if (named.length === 0) return undefined;
    return {
      length: targetAt + 1 - at,
      meaning: `weigh ${named.join(', ')} ×${EMPHASIS_WEIGHT} when segmenting`,
      weights: new Map(named.map((key) => [key, EMPHASIS_WEIGHT])),
    };
  };
};

/** A one-word key named by the word ("interests" → `interests`). */
function names(key: string, token: Token): boolean {
  const words = keyWords(key);
  return words.length === 1 && words[0] === token.stem;
}
