/**
 * Profiles as features: the vocabulary shared by segment generation (which clusters them) and
 * audience-sync (which finds lookalikes on them). Nothing here does I/O.
 */

/**
 * One profile of a space: custom and computed traits by key, nested as sent. Features read them
 * by path (`traits/profile-view.ts`: `address.country`, an age from `birthday`).
 */
export interface AudienceProfile {
  profileId: string;
  traits: Readonly<Record<string, unknown>>;
}

/**
 * Which part of a segment's description a feature speaks to (docs/architecture.md §1);
 * firmographic: the employer's (Segment's `company.*`), for B2B audiences.
 */
export type FeatureGroup = 'demographic' | 'firmographic' | 'geographic' | 'psychographic' | 'behavioural';

/** A numeric trait, standardised as (value − center) / scale; a missing value becomes 0 (the center). */
export interface NumericFeature {
  kind: 'numeric';
  key: string;
  group: FeatureGroup;
  center: number;
  scale: number;
}

/** One value of a list trait (e.g. `interests` holding `running`): 1 when held, 0 when not. */
export interface FlagFeature {
  kind: 'flag';
  key: string;
  group: FeatureGroup;
  value: string;
}

/** A single-valued string trait; its code is the index in `levels`, −1 when missing. */
export interface CategoricalFeature {
  kind: 'categorical';
  key: string;
  group: FeatureGroup;
  levels: readonly string[];
}

export type Feature = NumericFeature | FlagFeature | CategoricalFeature;

/**
 * Profiles as rows of mixed features. Row `r`'s numeric part is
 * `numeric[r * numericFeatures.length + j]`, its categorical part
 * `categorical[r * categoricalFeatures.length + j]`.
 */
export interface FeatureMatrix {
  rows: number;
  /** Columns of `numeric`: numeric features and flags. */
  numericFeatures: readonly (NumericFeature | FlagFeature)[];
  numeric: Float64Array;
  categoricalFeatures: readonly CategoricalFeature[];
  categorical: Int32Array;
}
