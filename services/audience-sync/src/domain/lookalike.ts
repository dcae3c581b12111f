import {
  type AudienceProfile,
  encodeProfiles,
  type FeatureMatrix,
  inferSchema,
  STANDARDISED_LIMIT,
  viewProfiles,
} from '@prism/profile-features';

/** A lookalike audience's share of the space's non-members, in whole percent. */
export const LOOKALIKE_PERCENT = { min: 1, max: 10 } as const;

/** Numeric columns are compared in bins of half a σ-equivalent over their capped range. */
const NUMERIC_BINS = 12;

/** Laplace smoothing: a value never seen in the seed (or the rest) is rare there, not impossible. */
const SMOOTHING = 1;

/**
 * How many non-members a lookalike of `percent` % holds: rounded up, so a space with any
 * non-member gives at least one.
 */
export function lookalikeSize(nonMembers: number, percent: number): number {
  if (!Number.isInteger(percent) || percent < LOOKALIKE_PERCENT.min || percent > LOOKALIKE_PERCENT.max)
    throw new RangeError(`percent must be a whole number in 1..10, got ${percent}`);
  return Math.ceil((nonMembers * percent) / 100);
}

/**
 * The space's non-members of the seed, most like its members first, on the features segment
 * generation clusters on (`@prism/profile-features`: traits by path, ages from birthdays,
 * identifying traits left out). Ties go by profile id, and the profiles are read in id order, so
 * the ranking depends only on the data: the top 1 % is always inside the top 5 %. Empty when no
 * seed member is among the profiles (there is no one to look like).
 *
 * Why a likelihood ratio and not a distance to the seed's centroid: a seed drawn from one group
 * shares a few traits strongly (an age band, an interest) and the rest at the population's rates;
 * a distance weighs every feature alike, so the shared ones drown in the noise of the others,
 * while `log P(value | seed) / P(value | rest)` is about zero for a feature held at the same rate
 * on both sides and large for the ones that set the seed apart. Summed over features (naive
 * Bayes) it ranks by how much more likely a profile is to come from the seed than from the rest.
 */
export function rankLookalikes(
  profiles: readonly AudienceProfile[],
  seed: ReadonlySet<string>,
  now: Date,
): string[] {
  const ordered = [...profiles].sort((a, b) => byCodeUnits(a.profileId, b.profileId));
  const inSeed = Uint8Array.from(ordered, (profile) => (seed.has(profile.profileId) ? 1 : 0));
  if (!inSeed.includes(1)) return [];
  const viewed = viewProfiles(ordered, now).profiles;
  const matrix = encodeProfiles(inferSchema(viewed).schema, viewed);
  const scores = scoresOf(discreteColumns(matrix), inSeed);
  const candidates: number[] = [];
  inSeed.forEach((member, row) => {
    if (member === 0) candidates.push(row);
  });
  candidates.sort((a, b) => (scores[b] as number) - (scores[a] as number) || a - b);
  return candidates.map((row) => (ordered[row] as AudienceProfile).profileId);
}

/** The `percent` % of the seed's non-members most like its members. */
export function findLookalikes(
  profiles: readonly AudienceProfile[],
  seed: ReadonlySet<string>,
  percent: number,
  now: Date,
): string[] {
  const nonMembers = profiles.filter((profile) => !seed.has(profile.profileId)).length;
  const size = lookalikeSize(nonMembers, percent);
  return rankLookalikes(profiles, seed, now).slice(0, size);
}

/** Every feature as a small code per row: numbers by bin, flags 0/1, levels with 0 for missing. */
interface DiscreteColumn {
  codes: Uint8Array | Uint16Array;
  values: number;
}

function discreteColumns(matrix: FeatureMatrix): DiscreteColumn[] {
  const { rows, numericFeatures, categoricalFeatures, numeric, categorical } = matrix;
  const width = numericFeatures.length;
  const depth = categoricalFeatures.length;
  const columns: DiscreteColumn[] = numericFeatures.map((feature, j) => {
    const codes = new Uint8Array(rows);
    for (let row = 0; row < rows; row++) {
      const value = numeric[row * width + j] as number;
      codes[row] = feature.kind === 'flag' ? value : binOf(value);
    }
    return { codes, values: feature.kind === 'flag' ? 2 : NUMERIC_BINS };
  });
  categoricalFeatures.forEach((feature, j) => {
    const codes = new Uint16Array(rows);
    for (let row = 0; row < rows; row++) codes[row] = (categorical[row * depth + j] as number) + 1;
    columns.push({ codes, values: feature.levels.length + 1 });
  });
  return columns;
}

function binOf(standardised: number): number {
  const share = (standardised + STANDARDISED_LIMIT) / (2 * STANDARDISED_LIMIT);
  return Math.min(NUMERIC_BINS - 1, Math.max(0, Math.floor(share * NUMERIC_BINS)));
}

/** Each row's summed log-likelihood ratio, seed against the rest. */
function scoresOf(columns: readonly DiscreteColumn[], inSeed: Uint8Array): Float64Array {
  const rows = inSeed.length;
  const seedSize = inSeed.reduce((sum, member) => sum + member, 0);
  const scores = new Float64Array(rows);
  for (const { codes, values } of columns) {
    const seedCounts = new Float64Array(values);
    const restCounts = new Float64Array(values);
    for (let row = 0; row < rows; row++) {
      const code = codes[row] as number;
      if (inSeed[row] === 1) seedCounts[code] = (seedCounts[code] as number) + 1;
      else restCounts[code] = (restCounts[code] as number) + 1;
    }
    const seedTotal = seedSize + SMOOTHING * values;
    const restTotal = rows - seedSize + SMOOTHING * values;
    const ratio = seedCounts.map(
      (count, code) =>
        Math.log((count + SMOOTHING) / seedTotal) -
        Math.log(((restCounts[code] as number) + SMOOTHING) / restTotal),
    );
    for (let row = 0; row < rows; row++)
      scores[row] = (scores[row] as number) + (ratio[codes[row] as number] as number);
  }
  return scores;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
