import { continentOf, countryCodeOf } from '../context/countries.js';
import type { Contrast, FeatureGroup } from '../model.js';
import { MIN_LIFT, MIN_SHARE } from './contrasts.js';
import type { Attribute, ClusterStatistics } from './statistics.js';
import { amount, contrastText, humanise, isCountryKey, percent, times, valueLabel } from './wording.js';

/** Values shown per trait in a section. */
const PER_TRAIT = 3;
/** Places spread thinly: a country of a tenth of the segment is already a focus worth naming. */
const MIN_PLACE_SHARE = 0.1;
/** A continent is named when it holds at least this share of the segment. */
const MAIN_CONTINENT = 0.5;
/** A numeric trait's middle half names the segment when it is at most this part of the population's. */
const NARROW_SPREAD = 0.5;
const MAX_INTERESTS_AND_BEHAVIOURS = 8;

/** "aged 27–35 (middle half; median 31 vs 47 overall); occupation: nurse 30 % (vs 6 % overall)". */
export function demographicProfile(
  statistics: ClusterStatistics,
  cluster: number,
  contrasts: readonly Contrast[],
): string {
  const spreads = attributesOf(statistics, 'demographic')
    .filter((attribute) => attribute.value === undefined)
    .flatMap(({ key }) => spreadText(statistics, cluster, key) ?? []);
  const values = byKey(contrasts.filter((contrast) => contrast.group === 'demographic' && contrast.value));
  const parts = [
    ...spreads,
    ...values.map(([key, found]) => `${humanise(key)}: ${found.map(shareText).join(', ')}`),
  ];
  return parts.length > 0 ? parts.join('; ') : 'no demographic trait stands out';
}

/** The middle half of the segment's values of a numeric trait, e.g. "27–35", when it is narrow. */
export function narrowSpread(
  statistics: ClusterStatistics,
  cluster: number,
  key: string,
): string | undefined {
  const spread = statistics.spreads.get(key);
  const mine = spread?.clusters[cluster];
  const all = spread?.overall;
  if (!mine || !all || mine.q75 - mine.q25 > NARROW_SPREAD * (all.q75 - all.q25)) return undefined;
  return `${amount(mine.q25)}–${amount(mine.q75)}`;
}

function spreadText(statistics: ClusterStatistics, cluster: number, key: string): string | undefined {
  const spread = statistics.spreads.get(key);
  const mine = spread?.clusters[cluster];
  if (!mine || !spread?.overall) return undefined;
  const label = key === 'age' ? 'aged' : humanise(key);
  return `${label} ${amount(mine.q25)}–${amount(mine.q75)} (middle half; median ${amount(mine.median)} vs ${amount(spread.overall.median)} overall)`;
}

/** "Europe 97 % (vs 71 % overall); country: Germany 15 % (×3.1), …; settlement: urban 88 % (×1.6)". */
export function geographicFocus(statistics: ClusterStatistics, cluster: number): string {
  const places = attributesOf(statistics, 'geographic').filter(
    (attribute) => attribute.value !== undefined && (attribute.inCluster[cluster] ?? 0) >= MIN_PLACE_SHARE,
  );
  const focused = places.filter((attribute) => liftOf(attribute, cluster) >= MIN_LIFT);
  const parts = byKey(
    focused.map((attribute) => ({ ...attribute, inSegment: attribute.inCluster[cluster] ?? 0 })),
  ).map(([key, found]) => {
    const shown = found.map(
      (attribute) =>
        `${valueLabel(key, attribute.value ?? '')} ${percent(attribute.inSegment)} (${times(liftOf(attribute, cluster))})`,
    );
    return `${humanise(key)}: ${shown.join(', ')}`;
  });
  const continent = mainContinent(statistics, cluster);
  const all = continent ? [continent, ...parts] : parts;
  return all.length > 0 ? all.join('; ') : 'no place stands out: spread like the population';
}

/** The continent most of the segment lives on, by its first trait holding countries. */
function mainContinent(statistics: ClusterStatistics, cluster: number): string | undefined {
  const countryKey = statistics.attributes.find((attribute) => isCountryKey(attribute.key))?.key;
  const shares = new Map<string, { inSegment: number; inPopulation: number }>();
  for (const attribute of statistics.attributes) {
    const code = attribute.key === countryKey && attribute.value ? countryCodeOf(attribute.value) : undefined;
    const continent = code && continentOf(code);
    if (!continent) continue;
    const sum = shares.get(continent) ?? { inSegment: 0, inPopulation: 0 };
    sum.inSegment += attribute.inCluster[cluster] ?? 0;
    sum.inPopulation += attribute.inPopulation;
    shares.set(continent, sum);
  }
  const [name, share] = [...shares].sort(([, a], [, b]) => b.inSegment - a.inSegment)[0] ?? [];
  if (!name || !share || share.inSegment < MAIN_CONTINENT) return undefined;
  return `${name} ${percent(share.inSegment)} (vs ${percent(share.inPopulation)} overall)`;
}

/**
 * What sets the segment's employers apart (Segment's `company.*`): "B2B, by employer: company
 * industry: software 58 % (vs 14 % overall); company employee count 210–2900 (middle half; …)";
 * undefined when nothing firmographic stands out. A company size speaks for the segment only
 * when enough of it has an employer on record: the mean of a few is no profile of the many.
 */
export function firmographicProfile(
  statistics: ClusterStatistics,
  cluster: number,
  contrasts: readonly Contrast[],
): string | undefined {
  const found = contrasts.filter((contrast) => contrast.group === 'firmographic');
  const values = byKey(found.filter((contrast) => contrast.value !== undefined)).map(
    ([key, held]) => `${humanise(key)}: ${held.map(shareText).join(', ')}`,
  );
  const spreads = found
    .filter((contrast) => contrast.value === undefined && sharesKnown(statistics, cluster, contrast.key))
    .flatMap(({ key }) => spreadText(statistics, cluster, key) ?? []);
  const parts = [...values, ...spreads];
  return parts.length > 0 ? `B2B, by employer: ${parts.join('; ')}` : undefined;
}

function sharesKnown(statistics: ClusterStatistics, cluster: number, key: string): boolean {
  const numeric = statistics.attributes.find(
    (attribute) => attribute.key === key && attribute.value === undefined,
  );
  const size = statistics.sizes[cluster] ?? 0;
  return size > 0 && (numeric?.support[cluster] ?? 0) >= MIN_SHARE * size;
}

/** One line per psychographic or behavioural contrast, strongest first. */
export function interestsAndBehaviours(contrasts: readonly Contrast[]): string[] {
  return contrasts
    .filter((contrast) => contrast.group === 'psychographic' || contrast.group === 'behavioural')
    .slice(0, MAX_INTERESTS_AND_BEHAVIOURS)
    .map((contrast) =>
      contrast.value === undefined
        ? contrastText(contrast)
        : `${humanise(contrast.key)}: ${contrastText(contrast)}`,
    );
}

function attributesOf(statistics: ClusterStatistics, group: FeatureGroup): Attribute[] {
  return statistics.attributes.filter((attribute) => attribute.group === group);
}

const liftOf = (attribute: Attribute, cluster: number) =>
  attribute.inPopulation > 0 ? (attribute.inCluster[cluster] ?? 0) / attribute.inPopulation : 0;

function shareText(contrast: Contrast): string {
  return `${valueLabel(contrast.key, contrast.value ?? '')} ${percent(contrast.inSegment)} (vs ${percent(contrast.inPopulation)} overall)`;
}

/** Grouped by trait in order of first appearance, the top PER_TRAIT of each by share. */
function byKey<T extends { key: string; inSegment: number }>(items: readonly T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.key, [...(groups.get(item.key) ?? []), item]);
  return [...groups].map(([key, group]) => [
    key,
    [...group].sort((a, b) => b.inSegment - a.inSegment).slice(0, PER_TRAIT),
  ]);
}
