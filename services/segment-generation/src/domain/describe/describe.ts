import type { AudienceProfile, Feature, SegmentDescription, StrategyBrief } from '../model.js';
import { contrastsOf } from './contrasts.js';
import { nameVariants, uniqueNames } from './naming.js';
import { rankPainPoints } from './pain-points.js';
import {
  demographicProfile,
  firmographicProfile,
  geographicFocus,
  interestsAndBehaviours,
  narrowSpread,
} from './sections.js';
import { clusterStatistics } from './statistics.js';

export interface DescribeInput {
  profiles: readonly AudienceProfile[];
  /** The features the clusters were made of (a FeatureMatrix's numeric and categorical ones). */
  features: readonly Feature[];
  /** Cluster (0..k−1) of each profile, in the order of `profiles`. */
  labels: Int32Array;
  k: number;
  brief: StrategyBrief;
}

/** Contrasts kept on a description; the sections draw on all of them. */
const MAX_CONTRASTS = 15;
/** The numeric trait whose middle half ends a name ("…, 25–34"). */
const AGE = 'age';

/**
 * One card per cluster, from what is over-represented in it compared with the whole population,
 * with the numbers: a unique name, who, where, interests and behaviours, and the strategy's
 * pain points that concern it. Deterministic; nothing is written per known segment.
 */
export function describeSegments(input: DescribeInput): SegmentDescription[] {
  const { profiles, features, labels, k, brief } = input;
  if (labels.length !== profiles.length) throw new RangeError('labels must hold one cluster per profile');
  if (labels.some((label) => label < 0 || label >= k)) throw new RangeError(`labels must be in 0..${k - 1}`);
  const statistics = clusterStatistics(profiles, features, labels, k);
  const clusters = Array.from({ length: k }, (_, cluster) => cluster);
  const contrasts = clusters.map((cluster) => contrastsOf(statistics, cluster));
  const names = uniqueNames(
    clusters.map((cluster) => nameVariants(contrasts[cluster] ?? [], narrowSpread(statistics, cluster, AGE))),
  );
  return clusters.map((cluster) => {
    const found = contrasts[cluster] ?? [];
    const size = statistics.sizes[cluster] ?? 0;
    return {
      name: names[cluster] ?? '',
      // The card has no section of its own for employers: they follow who the people are.
      demographicProfile: [
        demographicProfile(statistics, cluster, found),
        firmographicProfile(statistics, cluster, found) ?? [],
      ]
        .flat()
        .join('; '),
      geographicFocus: geographicFocus(statistics, cluster),
      interestsAndBehaviours: interestsAndBehaviours(found),
      painPoints: rankPainPoints(brief.painPoints, found).map(({ painPoint }) => painPoint),
      contrasts: found.slice(0, MAX_CONTRASTS),
      size,
      share: statistics.population === 0 ? 0 : size / statistics.population,
    };
  });
}
