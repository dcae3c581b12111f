import { audienceKeysOf, eventConditionsOf, type Rule, type TraitCondition } from '@prism/rules';
import { FINANCIAL_TERMS, HEALTH_TERMS } from './sensitive-terms.js';

/**
 * The guard of ad-platform sync: an audience whose rule, traits or name suggest a sensitive
 * category (health, financial status, or a term the operator configured) is refused before
 * anything leaves Prism, with the reason naming what triggered it.
 */

export type SensitiveCategory = 'health' | 'financial' | 'configured';

export interface SensitiveFinding {
  category: SensitiveCategory;
  /** The term that matched, as listed. */
  term: string;
  /** What held it: `trait "interests" value "diabetes"`, `event "Insulin Refilled"`, … */
  source: string;
  reason: string;
}

export interface AudienceUnderReview {
  rule?: Rule;
  /** Traits the sync reads or sends beyond the rule's (e.g. the traits mapped to a destination). */
  traitKeys?: readonly string[];
  /** What the audience is called: its key, name, description. */
  labels?: readonly string[];
}

export interface SensitivityPolicy {
  /** Further terms to refuse, e.g. "religion", "ethnicity", "sexual orientation". */
  extraTerms?: readonly string[];
}

const CATEGORY_WORDING: Readonly<Record<SensitiveCategory, string>> = {
  health: 'suggests a health or medical condition',
  financial: 'suggests financial status',
  configured: 'matches a term configured as sensitive',
};

/** Every sensitive term the audience touches, one finding per place and term. */
export function sensitiveFindings(
  audience: AudienceUnderReview,
  policy: SensitivityPolicy = {},
): SensitiveFinding[] {
  const terms = termsOf(policy);
  return placesOf(audience).flatMap(({ source, text }) => {
    const words = wordsOf(text);
    return terms
      .filter((term) => contains(words, term.words))
      .map(({ category, term }) => ({
        category,
        term,
        source,
        reason: `${source} ${CATEGORY_WORDING[category]} ("${term}")`,
      }));
  });
}

/** Why the audience may not be synced to an ad platform, or undefined when it may. */
export function adPlatformRefusal(
  audience: AudienceUnderReview,
  policy: SensitivityPolicy = {},
): string | undefined {
  const findings = sensitiveFindings(audience, policy);
  if (findings.length === 0) return undefined;
  return `refused for ad-platform sync: ${findings.map((finding) => finding.reason).join('; ')}`;
}

interface Place {
  source: string;
  text: string;
}

/** The texts to read, each with the words that name where it was found. */
function placesOf({ rule, traitKeys = [], labels = [] }: AudienceUnderReview): Place[] {
  const conditions = rule ? traitConditionsOf(rule) : [];
  const events = rule ? eventConditionsOf(rule) : [];
  return [
    ...labels.map((label) => ({ source: `the audience's name "${label}"`, text: label })),
    ...conditions.flatMap((condition) => conditionPlaces(`trait "${condition.key}"`, condition)),
    ...[...new Set(traitKeys)].map((key) => ({ source: `trait "${key}"`, text: key })),
    ...events.flatMap((event) => [
      { source: `event "${event.event}"`, text: event.event },
      ...event.where.flatMap((where) =>
        conditionPlaces(`event "${event.event}" property "${where.key}"`, where),
      ),
    ]),
    ...(rule ? audienceKeysOf(rule) : []).map((key) => ({ source: `audience "${key}"`, text: key })),
  ];
}

/** A condition's key, and each text value it compares with (`in` lists one by one). */
function conditionPlaces(source: string, { key, value }: TraitCondition): Place[] {
  const values = (Array.isArray(value) ? value : [value]).filter((item) => typeof item === 'string');
  return [{ source, text: key }, ...values.map((text) => ({ source: `${source} value "${text}"`, text }))];
}

/** Every trait condition of the rule, `not` included: excluding a condition still targets on it. */
function traitConditionsOf(rule: Rule): TraitCondition[] {
  if ('all' in rule) return rule.all.flatMap(traitConditionsOf);
  if ('any' in rule) return rule.any.flatMap(traitConditionsOf);
  if ('not' in rule) return traitConditionsOf(rule.not);
  return 'trait' in rule ? [rule.trait] : [];
}

interface Term {
  category: SensitiveCategory;
  term: string;
  words: string[];
}

function termsOf(policy: SensitivityPolicy): Term[] {
  const listed: [SensitiveCategory, readonly string[]][] = [
    ['health', HEALTH_TERMS],
    ['financial', FINANCIAL_TERMS],
    ['configured', policy.extraTerms ?? []],
  ];
  return listed.flatMap(([category, terms]) =>
    terms.map((term) => ({ category, term, words: wordsOf(term) })).filter(({ words }) => words.length > 0),
  );
}

/**
 * Lowercase words of a key or value: camelCase, snake_case, dots and spaces all split
 * ("creditScore", "credit_score", "Credit score" read alike), a plural "s" dropped.
 */
function wordsOf(text: string): string[] {
  return text
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((word) =>
      word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word,
    );
}

/** Whether the term's words appear in a row; a one-word term of 7+ letters may sit inside a word. */
function contains(words: readonly string[], term: readonly string[]): boolean {
  const [first = ''] = term;
  if (term.length === 1 && first.length >= 7) return words.some((word) => word.includes(first));
  return words.some((_, start) => term.every((word, offset) => words[start + offset] === word));
}
