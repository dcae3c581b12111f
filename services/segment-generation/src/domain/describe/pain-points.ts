import { isStopWord, stem, tokenize } from '../context/words.js';
import type { Contrast } from '../model.js';
import { overRepresented } from './contrasts.js';
import { humanise } from './wording.js';

/**
 * Related terms: a pain point that says "train" concerns a segment of runners, one that says
 * "overspending" a segment of coupon users. Not synonyms: a related word counts RELATED_WEIGHT
 * of the word itself. Kept small; each line is one concern, in everyday marketing words.
 */
const RELATED_TERMS: readonly string[] = [
  'sport fitness training workout exercise gym running cycling hiking yoga marathon athlete',
  'injury knee joint strain pain muscle health running hiking',
  'shoe boot gear wear running hiking trail',
  'outdoor trail mountain terrain ground rock descent hiking adventure',
  'price budget cost cheap expensive afford overspending money saving discount coupon deal bargain',
  'time busy schedule quick convenience hassle routine',
  'technology tech gadget digital app device smart software online setup data',
  'family parenting parent child kid baby school',
  'home house garden gardening improvement diy repair',
  'travel trip holiday vacation flight hotel cruises',
  'food cooking gourmet recipe meal diet nutrition wine',
  'delivery shipping order parcel return',
  'quality durable premium luxury status brand',
  'sustainability sustainable eco green environment waste plastic',
  'safety safe secure risk protection',
];
export const RELATED_WEIGHT = 0.5;
/** A pain point needs at least this much evidence (≈ one related word of a strong contrast). */
export const MIN_RELEVANCE = 0.2;
export const MAX_PAIN_POINTS = 3;

const CONCERNS: readonly ReadonlySet<string>[] = RELATED_TERMS.map(
  (line) => new Set(line.split(' ').map((word) => stem(word))),
);

export interface RankedPainPoint {
  painPoint: string;
  score: number;
  /** Why, e.g. "train ← running (related), cycling (related)". */
  evidence: string[];
}

/** How strongly the segment's contrasts point at a word, and which do. */
interface Evidence {
  weight: number;
  because: string[];
}

/**
 * The strategy's pain points that concern a segment, most relevant first. Each over-represented
 * contrast lends weight share × ln(lift) (ln(lift) for a numeric trait) to the stems of the words
 * naming it, and RELATED_WEIGHT of that to their related terms; a pain point scores the weight its
 * distinct stems gathered. Pain points are never made up: only the strategy's own, and only
 * those with evidence.
 */
export function rankPainPoints(
  painPoints: readonly string[],
  contrasts: readonly Contrast[],
): RankedPainPoint[] {
  const evidence = evidenceOf(contrasts);
  return painPoints
    .map((painPoint, order) => {
      const stems = new Set(tokenize(painPoint).map((token) => token.stem));
      const found = [...stems].flatMap((word) => {
        const about = evidence.get(word);
        return about ? [{ word, ...about }] : [];
      });
      return {
        painPoint,
        score: found.reduce((sum, { weight }) => sum + weight, 0),
        evidence: found.map(({ word, because }) => `${word} ← ${because.join(', ')}`),
        order,
      };
    })
    .filter(({ score }) => score >= MIN_RELEVANCE)
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, MAX_PAIN_POINTS)
    .map(({ order: _, ...ranked }) => ranked);
}

/** Per stem, the weight the over-represented contrasts lend it, directly or through related terms. */
function evidenceOf(contrasts: readonly Contrast[]): Map<string, Evidence> {
  const evidence = new Map<string, Evidence>();
  for (const contrast of contrasts.filter(overRepresented)) {
    const label = contrast.value ?? humanise(contrast.key);
    const weight =
      contrast.value === undefined ? Math.log(contrast.lift) : contrast.inSegment * Math.log(contrast.lift);
    for (const [word, share] of lentBy(label)) {
      const about = evidence.get(word) ?? { weight: 0, because: [] };
      about.weight += weight * share;
      about.because.push(share === 1 ? label : `${label} (related)`);
      evidence.set(word, about);
    }
  }
  return evidence;
}

/** The stems a contrast's label lends weight to: its own words fully, their related terms partly. */
function lentBy(label: string): Map<string, number> {
  const lent = new Map<string, number>();
  for (const word of wordsOf(label)) {
    for (const concern of CONCERNS.filter((terms) => terms.has(word))) {
      for (const related of concern) lent.set(related, RELATED_WEIGHT);
    }
  }
  for (const word of wordsOf(label)) lent.set(word, 1);
  return lent;
}

function wordsOf(label: string): string[] {
  return tokenize(label)
    .filter((token) => /\p{L}{3}/u.test(token.folded) && !isStopWord(token.folded))
    .map((token) => token.stem);
}
