import type { Rule } from '@prism/rules';
import { ageReading } from './ages.js';
import { behaviourMatcher } from './behaviours.js';
import { anyOf, type Matcher, type Reading, valueRule } from './matcher-kit.js';
import { placeMatcher } from './places.js';
import { narrowingOf, readText } from './text-reader.js';
import { valueMatcher } from './values.js';
import { type ContextVocabulary, TRAIT } from './vocabulary.js';

/** The audience a strategy declares (`prism.strategy.v1.TargetAudience`), genders as trait values. */
export interface DeclaredAudience {
  /** Inclusive. */
  ageRanges: readonly { min: number; max: number }[];
  /** `female`, `male`, `non_binary`. */
  genders: readonly string[];
  /** Countries, areas, regions or cities, as marketers write them ("DE", "EU", "Berlin"). */
  locations: readonly string[];
  interests: readonly string[];
  behaviours: readonly string[];
}

/**
 * The declared audience as a narrowing of the profiles: each list's entries are alternatives,
 * the lists narrow together. Entries are read like a targeting context (locations as places,
 * interests as values of the data, behaviours as behaviour words); what the data cannot
 * express ("outdoor", "runs weekly", a place nobody lives in) is returned unrecognised.
 */
export function targetAudienceRule(
  target: DeclaredAudience,
  vocabulary: ContextVocabulary,
): { filter?: Rule; unrecognised: string[] } {
  const readings: Reading[] = [];
  const unrecognised: string[] = [];
  const collect = (found: { readings: Reading[]; unrecognised: string[] }) => {
    readings.push(...found.readings);
    unrecognised.push(...found.unrecognised);
  };
  collect(agesOf(target.ageRanges, vocabulary));
  collect(gendersOf(target.genders, vocabulary));
  collect(entriesOf(target.locations.map(asCode), placeMatcher(vocabulary)));
  collect(entriesOf(target.interests, valueMatcher(vocabulary)));
  collect(entriesOf(target.behaviours, behaviourMatcher(vocabulary)));
  const filter = narrowingOf(readings);
  return filter ? { filter, unrecognised } : { unrecognised };
}

/** Declared ranges are alternatives even when they overlap, so they make one reading. */
function agesOf(ranges: DeclaredAudience['ageRanges'], vocabulary: ContextVocabulary) {
  const labels = ranges.map(({ min, max }) => `ages ${min}–${max}`);
  if (ranges.length === 0 || !vocabulary.numbers.has(TRAIT.age))
    return { readings: [], unrecognised: labels };
  const conditions = ranges.map((range) => ageReading(range, 0).condition);
  const reading = { length: 0, meaning: labels.join(' or '), kind: TRAIT.age, condition: anyOf(conditions) };
  return { readings: [reading], unrecognised: [] };
}

function gendersOf(genders: readonly string[], vocabulary: ContextVocabulary) {
  const present = vocabulary.values.get(TRAIT.gender) ?? new Set<string>();
  const readings = genders
    .filter((gender) => present.has(gender))
    .map((gender) => ({
      length: 0,
      meaning: `${TRAIT.gender} is ${gender}`,
      kind: TRAIT.gender,
      condition: valueRule(vocabulary, TRAIT.gender, gender),
    }));
  return { readings, unrecognised: genders.filter((gender) => !present.has(gender)) };
}

function entriesOf(entries: readonly string[], matcher: Matcher) {
  const readings: Reading[] = [];
  const unrecognised: string[] = [];
  for (const entry of entries) {
    const reading = readText(entry, [matcher]);
    for (const found of reading.understood) if (!('weights' in found)) readings.push(found);
    unrecognised.push(...reading.unrecognised);
  }
  return { readings, unrecognised };
}

/** A declared location of two letters is an ISO code whatever its case ("de" → "DE"). */
function asCode(location: string): string {
  const trimmed = location.trim();
  return /^\p{L}{2}$/u.test(trimmed) ? trimmed.toUpperCase() : location;
}
