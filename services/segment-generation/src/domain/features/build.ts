import {
  DEFAULT_LIMITS,
  type ExcludedTrait,
  encodeProfiles,
  type FeatureSchema,
  inferSchema,
  type SchemaLimits,
} from '@prism/profile-features';
import type { ColumnWeights } from '../clustering/layout.js';
import type { AudienceProfile, FeatureMatrix } from '../model.js';
import { columnWeights, type TraitWeights } from './emphasis.js';

export interface FeatureOptions {
  /** Emphasis per trait key; 1 is neutral, 0 ignores the trait. */
  weights?: TraitWeights;
  limits?: Partial<SchemaLimits>;
  /**
   * The schema is inferred from at most this many profiles, evenly spaced through the input:
   * shares of 1 % and medians are well measured long before, and everyone is still encoded.
   */
  schemaSampleSize?: number;
}

/** A space's profiles as features, with what it takes to cluster them and to encode newcomers. */
export interface FeatureSpace {
  matrix: FeatureMatrix;
  schema: FeatureSchema;
  /** Per-column weights for the clustering: each column carries its trait's emphasis. */
  weights: ColumnWeights;
  /** Traits that became no feature, and why. */
  excluded: readonly ExcludedTrait[];
}

const SCHEMA_SAMPLE_SIZE = 20_000;

/** Infers the features of `profiles` from the data itself and encodes them. */
export function buildFeatures(
  profiles: readonly AudienceProfile[],
  options: FeatureOptions = {},
): FeatureSpace {
  const sampleSize = options.schemaSampleSize ?? SCHEMA_SAMPLE_SIZE;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) {
    throw new RangeError(`schemaSampleSize must be a positive integer, got ${sampleSize}`);
  }
  const { schema, excluded } = inferSchema(evenlySpaced(profiles, sampleSize), {
    ...DEFAULT_LIMITS,
    ...options.limits,
  });
  const matrix = encodeProfiles(schema, profiles);
  return { matrix, schema, weights: columnWeights(schema, options.weights), excluded };
}

/** Rows for profiles outside the ones a space was built from, encoded by that space's schema. */
export function matrixFor(
  space: Pick<FeatureSpace, 'schema'>,
  profiles: readonly AudienceProfile[],
): FeatureMatrix {
  return encodeProfiles(space.schema, profiles);
}

/** `size` profiles spread evenly from first to last, or all of them when there are no more. */
function evenlySpaced<T>(items: readonly T[], size: number): readonly T[] {
  if (items.length <= size) return items;
  return Array.from({ length: size }, (_, i) => items[Math.floor((i * items.length) / size)] as T);
}
