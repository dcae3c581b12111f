import type { Layout } from './layout.js';
import type { MixedRows } from './rows.js';

/**
 * k cluster centres: numeric means, and each flag's and level's share among the members —
 * the distribution, not just the mode, since a segment spread over seven countries has a mode
 * most of its members do not hold. Costs are the weighted negative log-likelihood of a row
 * under the cluster (Gaussian for numbers, Bernoulli for flags, categorical for levels), so
 * every part is in the same unit and needs no γ to balance it.
 */
export interface Prototypes {
  k: number;
  /** k × numericCount means. */
  means: Float64Array;
  /** k × flagCount: each flag's share among the members. */
  flagShares: Float64Array;
  /** k × levelCount: each level's share among the members holding its trait. */
  levelShares: Float64Array;
  /** Per cluster, the cost of holding none of the flags. */
  flagBase: Float64Array;
  /** k × flagCount: the cost holding a flag adds (its log odds against). */
  flagCost: Float64Array;
  /** k × levelCount: the cost of holding a level. */
  levelCost: Float64Array;
}

/**
 * Pseudo-members of prior: a cluster's shares shrink towards the population's by this many
 * members' worth, so a level no member holds costs a lot rather than infinitely much.
 */
const PRIOR_MEMBERS = 1;

/** The prototypes that best explain the labelled rows (the M-step). */
export function estimatePrototypes(
  data: MixedRows,
  labels: Int32Array,
  k: number,
  layout: Layout,
): Prototypes {
  const { sizes, means, flagShares, levelShares, holders } = memberTotals(data, labels, k, layout);
  const { numericCount, flagCount, depth, levelCount, levelOffsets } = layout;
  for (let cluster = 0; cluster < k; cluster++) {
    const size = sizes[cluster] as number;
    for (let at = cluster * numericCount; at < (cluster + 1) * numericCount; at++) {
      means[at] = size > 0 ? (means[at] as number) / size : 0;
    }
    for (let flag = 0; flag < flagCount; flag++) {
      const at = cluster * flagCount + flag;
      flagShares[at] = shrunk(flagShares[at] as number, size, layout.flagPrior[flag] as number);
    }
    for (let j = 0; j < depth; j++) {
      const members = holders[cluster * depth + j] as number;
      for (let level = levelOffsets[j] as number; level < (levelOffsets[j + 1] as number); level++) {
        const at = cluster * levelCount + level;
        levelShares[at] = shrunk(levelShares[at] as number, members, layout.levelPrior[level] as number);
      }
    }
  }
  return { k, means, flagShares, levelShares, ...costsOf(k, flagShares, levelShares, layout) };
}

/** Per cluster: members, value sums, flag and level counts, and members holding each categorical. */
function memberTotals(data: MixedRows, labels: Int32Array, k: number, layout: Layout) {
  const { numericCount, flagCount, depth, levelCount } = layout;
  const sizes = new Float64Array(k);
  const means = new Float64Array(k * numericCount);
  const flagShares = new Float64Array(k * flagCount);
  const levelShares = new Float64Array(k * levelCount);
  const holders = new Float64Array(k * depth);
  for (let row = 0; row < data.rows; row++) {
    const cluster = labels[row] as number;
    sizes[cluster] = (sizes[cluster] as number) + 1;
    for (let i = 0; i < numericCount; i++) {
      const at = cluster * numericCount + i;
      means[at] = (means[at] as number) + (data.values[row * numericCount + i] as number);
    }
    for (let held = data.heldStart[row] as number; held < (data.heldStart[row + 1] as number); held++) {
      const at = cluster * flagCount + (data.heldFlags[held] as number);
      flagShares[at] = (flagShares[at] as number) + 1;
    }
    for (let j = 0; j < depth; j++) {
      const level = data.levels[row * depth + j] as number;
      if (level < 0) continue;
      levelShares[cluster * levelCount + level] = (levelShares[cluster * levelCount + level] as number) + 1;
      holders[cluster * depth + j] = (holders[cluster * depth + j] as number) + 1;
    }
  }
  return { sizes, means, flagShares, levelShares, holders };
}

function shrunk(count: number, members: number, prior: number): number {
  return (count + PRIOR_MEMBERS * prior) / (members + PRIOR_MEMBERS);
}

function costsOf(k: number, flagShares: Float64Array, levelShares: Float64Array, layout: Layout) {
  const { flagCount, levelCount, flagWeights, levelWeights } = layout;
  const flagBase = new Float64Array(k);
  const flagCost = new Float64Array(k * flagCount);
  for (let at = 0; at < k * flagCount; at++) {
    const share = flagShares[at] as number;
    const weight = flagWeights[at % flagCount] as number;
    const cluster = Math.floor(at / flagCount);
    flagBase[cluster] = (flagBase[cluster] as number) - weight * Math.log(1 - share);
    flagCost[at] = weight * (Math.log(1 - share) - Math.log(share));
  }
  const levelCost = levelShares.map(
    (share, at) => -(levelWeights[at % levelCount] as number) * Math.log(share),
  );
  return { flagBase, flagCost, levelCost };
}

/**
 * Fills `costs[c]` with the negative log-likelihood of `row` under cluster c, up to a constant
 * shared by all clusters. A missing level adds nothing: unknown is no evidence for any cluster.
 */
export function rowCosts(
  data: MixedRows,
  row: number,
  prototypes: Prototypes,
  layout: Layout,
  costs: Float64Array,
): void {
  const { values, heldStart, heldFlags, levels } = data;
  const { numericCount, flagCount, depth, levelCount, precision } = layout;
  const { means, flagBase, flagCost, levelCost } = prototypes;
  const valueOffset = row * numericCount;
  const firstHeld = heldStart[row] as number;
  const lastHeld = heldStart[row + 1] as number;
  const levelOffset = row * depth;
  for (let cluster = 0; cluster < prototypes.k; cluster++) {
    let cost = flagBase[cluster] as number;
    const centre = cluster * numericCount;
    for (let i = 0; i < numericCount; i++) {
      const difference = (values[valueOffset + i] as number) - (means[centre + i] as number);
      cost += (precision[i] as number) * difference * difference;
    }
    const flagsAt = cluster * flagCount;
    for (let held = firstHeld; held < lastHeld; held++)
      cost += flagCost[flagsAt + (heldFlags[held] as number)] as number;
    const levelsAt = cluster * levelCount;
    for (let j = 0; j < depth; j++) {
      const level = levels[levelOffset + j] as number;
      if (level >= 0) cost += levelCost[levelsAt + level] as number;
    }
    costs[cluster] = cost;
  }
}

/** The prototypes renumbered: cluster `order[i]` becomes cluster i. */
export function permuted(prototypes: Prototypes, order: readonly number[]): Prototypes {
  const { k } = prototypes;
  const reorder = (values: Float64Array) => {
    const stride = values.length / k;
    const result = new Float64Array(values.length);
    order.forEach((cluster, i) => {
      result.set(values.subarray(cluster * stride, (cluster + 1) * stride), i * stride);
    });
    return result;
  };
  return {
    k,
    means: reorder(prototypes.means),
    flagShares: reorder(prototypes.flagShares),
    levelShares: reorder(prototypes.levelShares),
    flagBase: reorder(prototypes.flagBase),
    flagCost: reorder(prototypes.flagCost),
    levelCost: reorder(prototypes.levelCost),
  };
}
