import { leafOf } from '@prism/profile-features';
import { countryName } from '../context/countries.js';
import type { Contrast } from '../model.js';
import { capitalised } from './wording.js';

/**
 * How a trait's value reads in a name: who the members are (noun), what kind (adjective), or
 * where (place). Traits not listed (values, income…) describe a segment but never name it.
 */
type Role = 'noun' | 'adjective' | 'place';

interface Phrasing {
  role: Role;
  phrase: (value: string) => string;
}

const GENDER_NOUNS: ReadonlyMap<string, string> = new Map([
  ['female', 'women'],
  ['male', 'men'],
]);
const inPlace: Phrasing = { role: 'place', phrase: (value) => `in ${value}` };

const PHRASINGS: ReadonlyMap<string, Phrasing> = new Map([
  ['interests', { role: 'noun', phrase: (value) => `${singular(value)} enthusiasts` }],
  ['occupation', { role: 'noun', phrase: plural }],
  // Segment's reserved trait for a job title.
  ['title', { role: 'noun', phrase: plural }],
  [
    'gender',
    { role: 'noun', phrase: (value) => GENDER_NOUNS.get(value) ?? `${value.replace(/_/g, '-')} people` },
  ],
  ['settlement', { role: 'adjective', phrase: (value) => value }],
  ['climateZone', { role: 'adjective', phrase: (value) => `${value}-climate` }],
  ['country', { role: 'place', phrase: (value) => `in ${withArticle(countryName(value))}` }],
  ['region', inPlace],
  ['state', inPlace],
  ['city', inPlace],
]);

/** A second interest joins the first in the name when it is nearly as telling. */
const PAIRED_NOUN = 0.8;
/** A place names the segment only when most members live there. */
const DOMINANT_PLACE = 0.5;

interface Candidate {
  role: Role;
  key: string;
  text: string;
  /** share × ln(lift): frequent and over-represented. */
  weight: number;
  share: number;
}

/**
 * Names a segment from its over-represented values, e.g. "Urban running & cycling enthusiasts,
 * 27–35": an adjective, who they are, where (when most live there), and the middle half of
 * their ages when that is narrow. Also returns longer variants that tell similar segments apart.
 */
export function nameVariants(contrasts: readonly Contrast[], ages: string | undefined): string[] {
  const candidates = candidatesOf(contrasts);
  const best = (role: Role) => candidates.find((candidate) => candidate.role === role);
  const [first, second] = candidates.filter((candidate) => candidate.role === 'noun');
  const pair = first && second && second.key === first.key && first.key === 'interests';
  const nouns =
    first === undefined
      ? 'general audience'
      : pair && second.weight >= PAIRED_NOUN * first.weight
        ? `${first.text.replace(/ enthusiasts$/, '')} & ${second.text}`
        : first.text;
  const place = candidates.find(
    (candidate) => candidate.role === 'place' && candidate.share >= DOMINANT_PLACE,
  );
  // A dominant place says more than an adjective, and one qualifier keeps the name short.
  const adjective = place ? undefined : best('adjective');
  const base = [adjective?.text, nouns, place?.text].filter(Boolean).join(' ');
  const name = capitalised(ages ? `${base}, ${ages}` : base);
  const used = new Set([adjective?.text, first?.text, second?.text, place?.text]);
  const extras = candidates.filter((candidate) => !used.has(candidate.text)).map(({ text }) => text);
  return [name, ...extras.map((_, i) => `${name} (${extras.slice(0, i + 1).join(', ')})`)];
}

function candidatesOf(contrasts: readonly Contrast[]): Candidate[] {
  return contrasts
    .flatMap((contrast) => {
      // Nested traits are phrased by their last segment: `address.city` as a city.
      const phrasing = PHRASINGS.get(contrast.key) ?? PHRASINGS.get(leafOf(contrast.key));
      if (!phrasing || contrast.value === undefined || contrast.lift <= 1) return [];
      const weight = contrast.inSegment * Math.log(contrast.lift);
      const text = phrasing.phrase(contrast.value);
      return [{ role: phrasing.role, key: contrast.key, text, weight, share: contrast.inSegment }];
    })
    .sort((a, b) => b.weight - a.weight || a.text.localeCompare(b.text));
}

/**
 * One name per segment, unique: a segment whose name another also has takes its next variant,
 * and when variants run out, a number ("… 2").
 */
export function uniqueNames(variants: readonly string[][]): string[] {
  const level = variants.map(() => 0);
  const current = () => variants.map((names, i) => names[Math.min(level[i] ?? 0, names.length - 1)] ?? '');
  for (;;) {
    const names = current();
    const clashing = names.map((name) => names.filter((other) => other === name).length > 1);
    const advanced = clashing.map((clash, i) => clash && (level[i] ?? 0) < (variants[i]?.length ?? 0) - 1);
    if (!advanced.some(Boolean)) return numbered(names);
    advanced.forEach((advance, i) => {
      if (advance) level[i] = (level[i] ?? 0) + 1;
    });
  }
}

function numbered(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((name) => {
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return count === 1 ? name : `${name} ${count}`;
  });
}

/** "the United States", "the Netherlands", "Spain". */
function withArticle(country: string): string {
  return /^(United |Netherlands|Philippines|Bahamas|Gambia)|(Islands|Republic)$/.test(country)
    ? `the ${country}`
    : country;
}

/** "tech gadgets" → "tech gadget" (as a modifier), "fitness" stays. */
function singular(words: string): string {
  return words.replace(/([^su])s$/, '$1');
}

/** "software engineer" → "software engineers", "tradesperson" → "tradespeople", "retired" → "retirees". */
function plural(occupation: string): string {
  if (occupation === 'retired') return 'retirees';
  if (occupation.endsWith('person')) return `${occupation.slice(0, -'person'.length)}people`;
  if (/[^aeiou]y$/.test(occupation)) return `${occupation.slice(0, -1)}ies`;
  return /(s|sh|ch|x)$/.test(occupation) ? `${occupation}es` : `${occupation}s`;
}
