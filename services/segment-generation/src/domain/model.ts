import type { FeatureGroup } from '@prism/profile-features';
import type { Rule } from '@prism/rules';

/**
 * The generator's vocabulary, shared by its pure modules (features, clustering, description,
 * rules, targeting context). Nothing here does I/O.
 */

/** Profiles and their features come from the shared lib (audience-sync's lookalikes read the same). */
export type {
  AudienceProfile,
  CategoricalFeature,
  Feature,
  FeatureGroup,
  FeatureMatrix,
  FlagFeature,
  NumericFeature,
} from '@prism/profile-features';

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
