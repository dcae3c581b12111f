import type { AudienceProfile, FeatureMatrix } from '../model.js';
import { standardised } from './numeric-scale.js';
import type { FeatureSchema } from './schema.js';
import { listItems, readLevel, readNumber } from './trait-values.js';

/** Writes one trait's value of one row into the matrix. */
type TraitEncoder = (value: unknown, row: number) => void;

/**
 * The profiles as rows of the schema's features. Works for profiles the schema was not inferred
 * from (everyone, after fitting on a sample): unseen levels and values read as missing.
 */
export function encodeProfiles(schema: FeatureSchema, profiles: readonly AudienceProfile[]): FeatureMatrix {
  const width = schema.numericFeatures.length;
  const depth = schema.categoricalFeatures.length;
  const numeric = new Float64Array(profiles.length * width);
  // Every level starts missing; numbers start at 0, the center, which is what missing means for them.
  const categorical = new Int32Array(profiles.length * depth).fill(-1);
  const encoders = traitEncoders(schema, numeric, categorical);
  profiles.forEach(({ traits }, row) => {
    // `for…in` reads a profile's own keys far faster than lookups by key.
    for (const key in traits) encoders.get(key)?.(traits[key], row);
  });
  return { rows: profiles.length, ...schema, numeric, categorical };
}

function traitEncoders(
  schema: FeatureSchema,
  numeric: Float64Array,
  categorical: Int32Array,
): Map<string, TraitEncoder> {
  const width = schema.numericFeatures.length;
  const depth = schema.categoricalFeatures.length;
  const encoders = new Map<string, TraitEncoder>();
  const flagColumns = new Map<string, Map<string, number>>();
  schema.numericFeatures.forEach((feature, column) => {
    if (feature.kind === 'numeric') {
      const { center, scale } = feature;
      encoders.set(feature.key, (value, row) => {
        numeric[row * width + column] = standardised(readNumber(value), center, scale);
      });
      return;
    }
    let columnOf = flagColumns.get(feature.key);
    if (columnOf === undefined) {
      columnOf = new Map();
      flagColumns.set(feature.key, columnOf);
      encoders.set(feature.key, flagEncoder(columnOf, numeric, width));
    }
    columnOf.set(feature.value, column);
  });
  schema.categoricalFeatures.forEach((feature, j) => {
    const codeOf = new Map(feature.levels.map((level, code) => [level, code]));
    encoders.set(feature.key, (value, row) => {
      const level = readLevel(value);
      categorical[row * depth + j] = (level === undefined ? undefined : codeOf.get(level)) ?? -1;
    });
  });
  return encoders;
}

/** Sets the flag of each listed value that has a column; values too rare for one are ignored. */
function flagEncoder(
  columnOf: ReadonlyMap<string, number>,
  numeric: Float64Array,
  width: number,
): TraitEncoder {
  return (value, row) => {
    for (const item of listItems(value)) {
      const level = readLevel(item);
      const column = level === undefined ? undefined : columnOf.get(level);
      if (column !== undefined) numeric[row * width + column] = 1;
    }
  };
}
