import { type Json, MAX_IN_VALUES, type Rule, type RuleOperator, type TraitCondition } from '@prism/rules';
import type { ContextVocabulary } from './vocabulary.js';
import { stemsOf, type Token } from './words.js';

/** A phrase understood as a narrowing condition. */
export interface Reading {
  /** Tokens it spans. */
  length: number;
  meaning: string;
  /** Readings of one kind are alternatives ("runners, hikers": any); kinds narrow together (all). */
  kind: string;
  condition: Rule;
  /** Inclusive bounds of an age reading, to tell overlapping ranges from alternatives. */
  ages?: readonly [number, number];
  /** A negated reading ("not in Germany") narrows on its own, whatever its kind. */
  negated?: true;
}

/** A phrase understood as weighting features rather than narrowing ("emphasise behaviour"). */
export interface Emphasis {
  length: number;
  meaning: string;
  weights: ReadonlyMap<string, number>;
}

/** Reads what starts at token `at`, if it can. */
export type Matcher = (tokens: readonly Token[], at: number) => Reading | Emphasis | undefined;
export type MatcherOf = (vocabulary: ContextVocabulary) => Matcher;

export function traitRule(key: string, operator: RuleOperator, value: string | number): Rule {
  return { trait: { key, operator, value } };
}

/** The condition that a string trait equals, or a list trait holds, `value`. */
export function valueRule(vocabulary: ContextVocabulary, key: string, value: string): Rule {
  return traitRule(key, vocabulary.lists.has(key) ? 'contains' : 'equals', value);
}

/**
 * `any` of the rules, nested `any`s flattened, and alternatives on one trait merged into one
 * `in` ("country in DE, AT, CH"), which keeps a rule of a hundred countries small.
 */
export function anyOf(rules: readonly Rule[]): Rule {
  const flat = rules.flatMap((rule) => ('any' in rule ? rule.any : [rule]));
  const byKey = new Map<string, { first: Rule; values: Json[] }>();
  const others: Rule[] = [];
  for (const rule of flat) {
    const values = 'trait' in rule ? alternativeValues(rule.trait) : undefined;
    if (!('trait' in rule) || values === undefined) {
      others.push(rule);
      continue;
    }
    const found = byKey.get(rule.trait.key) ?? { first: rule, values: [] };
    for (const value of values) if (!found.values.includes(value)) found.values.push(value);
    byKey.set(rule.trait.key, found);
  }
  const merged = [...byKey].flatMap(([key, { first, values }]) =>
    values.length === 1 ? [first] : inRules(key, values),
  );
  const all = [...merged, ...others];
  const [only] = all;
  return all.length === 1 && only ? only : { any: all };
}

function alternativeValues(condition: TraitCondition): Json[] | undefined {
  const { operator, value } = condition;
  if (operator === 'in' && Array.isArray(value)) return value;
  return (operator === 'equals' || operator === 'contains') && value !== undefined ? [value] : undefined;
}

function inRules(key: string, values: readonly Json[]): Rule[] {
  const rules: Rule[] = [];
  for (let from = 0; from < values.length; from += MAX_IN_VALUES) {
    rules.push({ trait: { key, operator: 'in', value: values.slice(from, from + MAX_IN_VALUES) } });
  }
  return rules;
}

/** `all` of the rules, nested `all`s flattened. */
export function allOf(rules: readonly Rule[]): Rule {
  const flat = rules.flatMap((rule) => ('all' in rule ? rule.all : [rule]));
  const [only] = flat;
  return flat.length === 1 && only ? only : { all: flat };
}

/**
 * Phrases as stem sequences, each with a payload; finds the longest starting at a token (with
 * every payload of that length: "Berlin" is a city and a region).
 */
export class PhraseTable<T> {
  private readonly byFirstStem = new Map<string, { stems: string[]; payload: T }[]>();

  add(phrase: string, payload: T): void {
    const stems = stemsOf(phrase);
    const [first] = stems;
    if (first === undefined) return;
    const entries = this.byFirstStem.get(first) ?? [];
    entries.push({ stems, payload });
    this.byFirstStem.set(first, entries);
  }

  longest(tokens: readonly Token[], at: number): { length: number; payloads: T[] } | undefined {
    const candidates = this.byFirstStem.get(tokens[at]?.stem ?? '') ?? [];
    const hits = candidates.filter(({ stems }) =>
      stems.every((stem, offset) => tokens[at + offset]?.stem === stem),
    );
    const length = Math.max(0, ...hits.map(({ stems }) => stems.length));
    if (length === 0) return undefined;
    const payloads = hits.filter(({ stems }) => stems.length === length).map(({ payload }) => payload);
    return { length, payloads: [...new Set(payloads)] };
  }
}

/** "a, b or c". */
export function alternatives(items: readonly string[]): string {
  if (items.length <= 2) return items.join(' or ');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
