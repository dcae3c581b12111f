import type { Rule } from '@prism/rules';

/**
 * The generator's vocabulary, shared by its pure modules (features, clustering, description,
 * rules, targeting context). Nothing here does I/O.
 */

/**
 * One profile of the strategy's space: custom and computed traits by key, nested as sent. The
 * pipeline reads them by path (`traits/profile-view.ts`: `address.country`, an age from `birthday`).
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
 * Profiles as rows of mixed features, the clustering's input. Row `r`'s numeric part is
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

/** A clustering of the rows of a matrix. */
export interface Clustering {
  k: number;
  /** Cluster index (0..k−1) per row. */
  labels: Int32Array;
  /** Mean silhouette of the chosen k (on the evaluation sample). */
  silhouette: number;
  /** Every k tried with its silhouette, in the order tried; one entry when k was given. */
  candidates: readonly { k: number; silhouette: number }[];
  kChosenAutomatically: boolean;
  seed: number;
  /** Rows the prototypes were fitted on (everyone when the population is small). */
  fitSampleSize: number;
}

/** Something over- or under-represented in a segment compared with the whole population. */
export interface Contrast {
  key: string;
  group: FeatureGroup;
  /** The level or list value for categorical and flag features; absent for numeric ones. */
  value?: string;
  /** Share (categorical/flag) or mean (numeric) in the segment. */
  inSegment: number;
  /** Share or mean in the population. */
  inPopulation: number;
  /** inSegment / inPopulation. */
  lift: number;
}

/** A segment's card, from what really distinguishes it. */
export interface SegmentDescription {
  name: string;
  demographicProfile: string;
  geographicFocus: string;
  interestsAndBehaviours: string[];
  painPoints: string[];
  /** The strongest contrasts, highest lift first, with their numbers. */
  contrasts: Contrast[];
  size: number;
  /** size / population size. */
  share: number;
}

/** A rule that reproduces a cluster, with how well it does. */
export interface SegmentRule {
  rule: Rule;
  /** Of the cluster's members, the share the rule matches (recall). */
  coverage: number;
  /** Of the profiles the rule matches, the share in the cluster (precision). */
  precision: number;
  /** Profiles the rule matches in the population it was derived on. */
  matched: number;
}

/** What the strategy says about the audience, used to describe segments. */
export interface StrategyBrief {
  products: readonly string[];
  painPoints: readonly string[];
}
