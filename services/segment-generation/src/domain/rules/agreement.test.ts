import { matchesRule } from '@prism/rules';
import { describe, expect, it } from 'vitest';
import { plantedAudience } from '../../testing/planted.js';
import { buildFeatures } from '../features/index.js';
import type { AudienceProfile } from '../model.js';
import { columnsOf } from './columns.js';
import { prunePaths } from './prune.js';
import { ruleFromPaths } from './simplify.js';
import { bestSplit } from './splits.js';
import { growTree, type Literal, positivePaths } from './tree.js';

/** Traits as they arrive in practice: missing, null, numbers as text, unparseable, odd types. */
function dirtied({ profileId, traits }: AudienceProfile, row: number): AudienceProfile {
  const dirty: Record<string, unknown> = { ...traits };
  if (row % 7 === 0) dirty.age = String(traits.age);
  if (row % 11 === 0) delete dirty.age;
  if (row % 13 === 0) dirty.age = null;
  if (row % 17 === 0) dirty.sessions_30d = 'often';
  if (row % 19 === 0) dirty.interests = (traits.interests as string[]).join(', ');
  if (row % 23 === 0) dirty.occupation = 42;
  if (row % 29 === 0) dirty.country = ` ${traits.country}`;
  if (row % 31 === 0) delete dirty.incomeBand;
  return { profileId, traits: dirty };
}

const matchedBy = (paths: readonly Literal[][], row: number) =>
  paths.some((path) => path.every((literal) => literal.matches(row) === literal.holds));

describe('a derived rule', () => {
  const { profiles, truth } = plantedAudience({ seed: 11, size: 3000 });
  const dirty = profiles.map(dirtied);
  const columns = columnsOf(
    buildFeatures(dirty).matrix,
    dirty.map(({ traits }) => traits),
  );

  it('splits on exactly the conditions the rule evaluates, for every feature', () => {
    const positive = Uint8Array.from(truth, (id) => (id === 'urban-runners' ? 1 : 0));
    const rows = Int32Array.from(dirty, (_, row) => row);
    const counts = { rows: rows.length, positives: positive.reduce((sum, bit) => sum + bit, 0) };
    const node = { inNode: new Uint8Array(rows.length).fill(1), rows, positive, counts, minLeaf: 1 };
    for (const column of columns) {
      const split = bestSplit(column, node);
      if (split === undefined) continue;
      const disagreements = dirty.filter(
        ({ traits }, row) => split.matches(row) !== matchesRule({ trait: split.condition }, { traits }),
      );
      expect({ condition: split.condition, disagreements }).toEqual({
        condition: split.condition,
        disagreements: [],
      });
    }
  });

  it('matches exactly the fitted rows its tree puts in the cluster, missing and dirty values included', () => {
    for (const segment of new Set(truth)) {
      const positive = Uint8Array.from(truth, (id) => (id === segment ? 1 : 0));
      const grown = positivePaths(growTree(columns, positive, { maxDepth: 4, minLeaf: 15 }));
      for (const paths of [grown, prunePaths(grown, positive)]) {
        const rule = ruleFromPaths(paths);
        const disagreements = dirty.filter(
          ({ traits }, row) => matchedBy(paths, row) !== matchesRule(rule, { traits }),
        );
        expect(disagreements).toEqual([]);
      }
    }
  });
});
