import type { Literal } from './tree.js';
import { filled } from './typed-arrays.js';

/**
 * Rule pruning on the fitted rows, as C4.5 does: each condition, then each branch, goes when
 * the rule errs no more often without it. A tree repeats conditions across branches (noisy
 * segments are "two of three traits"), which pruning leaves out. Every condition is tested with
 * the rule semantics, so these counts are what `matchesRule` gives on the same rows.
 */
export function prunePaths(paths: readonly Literal[][], positive: Uint8Array): Literal[][] {
  const errors = errorCounter(positive);
  let kept = paths.map((path) => [...path]);
  let fewest = errors(kept);
  const attempt = (trial: Literal[][]) => {
    const count = errors(trial);
    if (count > fewest) return;
    kept = trial;
    fewest = count;
  };
  for (let branch = 0; branch < kept.length; branch++) {
    // Deepest first: the conditions nearest the root carry the most rows.
    for (let at = (kept[branch] as Literal[]).length - 1; at >= 0; at--)
      attempt(kept.map((path, index) => (index === branch ? path.filter((_, i) => i !== at) : path)));
  }
  for (let branch = kept.length - 1; branch >= 0; branch--)
    attempt(kept.filter((_, index) => index !== branch));
  return kept;
}

/** Misclassified rows of `any` of the paths; each path's matches are computed once. */
function errorCounter(positive: Uint8Array): (paths: readonly Literal[][]) => number {
  const matchesOf = new WeakMap<readonly Literal[], Uint8Array>();
  const pathMatches = (path: readonly Literal[]) => {
    let matches = matchesOf.get(path);
    if (matches === undefined) {
      matches = filled(new Uint8Array(positive.length), (row) =>
        path.every((literal) => literal.matches(row) === literal.holds) ? 1 : 0,
      );
      matchesOf.set(path, matches);
    }
    return matches;
  };
  return (paths) => {
    const matched = new Uint8Array(positive.length);
    for (const path of paths) {
      const matches = pathMatches(path);
      for (let row = 0; row < matched.length; row++)
        matched[row] = (matched[row] as number) | (matches[row] as number);
    }
    let count = 0;
    for (let row = 0; row < matched.length; row++) if (matched[row] !== positive[row]) count++;
    return count;
  };
}
