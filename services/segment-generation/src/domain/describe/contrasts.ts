import type { Contrast } from '../model.js';
import type { Attribute, ClusterStatistics } from './statistics.js';

/** A value must be held by at least this share of the segment to describe it… */
export const MIN_SHARE = 0.25;
/** …and be this many times more frequent than in the population (or a mean this far off). */
export const MIN_LIFT = 1.3;
/** Fewer members than this holding a value is chance, whatever the share. */
export const MIN_SUPPORT = 5;

/**
 * What distinguishes a cluster, highest lift first: values frequent in it and over-represented,
 * and numeric traits whose mean is at least MIN_LIFT times higher or lower than overall.
 */
export function contrastsOf(statistics: ClusterStatistics, cluster: number): Contrast[] {
  return statistics.attributes
    .map((attribute) => contrastOf(attribute, cluster))
    .filter((contrast): contrast is Contrast => contrast !== undefined)
    .sort(
      (a, b) => b.lift - a.lift || a.key.localeCompare(b.key) || (a.value ?? '').localeCompare(b.value ?? ''),
    );
}

function contrastOf(attribute: Attribute, cluster: number): Contrast | undefined {
  const inSegment = attribute.inCluster[cluster] ?? 0;
  const { inPopulation } = attribute;
  if ((attribute.support[cluster] ?? 0) < MIN_SUPPORT || inPopulation <= 0) return undefined;
  const lift = inSegment / inPopulation;
  const distinct =
    attribute.value === undefined
      ? lift >= MIN_LIFT || lift <= 1 / MIN_LIFT
      : lift >= MIN_LIFT && inSegment >= MIN_SHARE;
  if (!distinct) return undefined;
  const { key, group, value } = attribute;
  return { key, group, ...(value === undefined ? {} : { value }), inSegment, inPopulation, lift };
}

/** Over-represented, as opposed to a numeric trait markedly lower than overall. */
export const overRepresented = (contrast: Contrast) => contrast.lift >= MIN_LIFT;
