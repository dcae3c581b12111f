import type { Rule } from '@prism/rules';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cycleThrough, dependenciesOf, dependentsOf, evaluationOrder } from './dependencies.js';

interface Node {
  key: string;
  rule?: Rule;
}

/** A rule naming `keys` among trait conditions, nested as rules are written. */
const naming = (keys: readonly string[]): Rule => ({
  all: [
    { trait: { key: 'plan', operator: 'equals', value: 'pro' } },
    { any: keys.map((key) => ({ not: { audience: { key } } })) },
  ],
});

const keyOf = (index: number) => `a${index}`;

/** Graphs of up to 8 audiences, each naming any others (`acyclic`: only those listed before it), in shuffled order. */
const graphs = (acyclic: boolean): fc.Arbitrary<Node[]> =>
  fc
    .integer({ min: 1, max: 8 })
    .chain((size) =>
      fc.tuple(
        ...Array.from({ length: size }, (_, index) =>
          fc
            .shuffledSubarray([
              ...Array.from({ length: acyclic ? index : size }, (_, other) => keyOf(other)),
              'missing',
            ])
            .map((keys) => keys.slice(0, 3)),
        ),
      ),
    )
    .map((named) =>
      named.map((keys, index) => ({ key: keyOf(index), ...(keys.length > 0 && { rule: naming(keys) }) })),
    )
    .chain((nodes) => fc.shuffledSubarray(nodes, { minLength: nodes.length }));

/** Whether `to` is reached from `from` along the audiences the stored rules name. */
function reaches(nodes: readonly Node[], from: string, to: string): boolean {
  const seen = new Set<string>();
  const walk = (key: string): boolean => {
    if (key === to) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    const node = nodes.find((candidate) => candidate.key === key);
    return node !== undefined && dependenciesOf(node).some(walk);
  };
  return walk(from);
}

describe('the evaluation order of audiences', () => {
  it('places every audience after the audiences it names', () => {
    fc.assert(
      fc.property(graphs(true), (nodes) => {
        const order = evaluationOrder(nodes).map((node) => node.key);
        expect([...order].sort()).toEqual(nodes.map((node) => node.key).sort());
        for (const node of nodes)
          for (const dependency of dependenciesOf(node).filter((key) => key !== 'missing'))
            expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(node.key));
      }),
      { numRuns: 300 },
    );
  });

  it('still places each audience once when rules name each other in a cycle', () => {
    fc.assert(
      fc.property(graphs(false), (nodes) => {
        const order = evaluationOrder(nodes).map((node) => node.key);
        expect([...order].sort()).toEqual(nodes.map((node) => node.key).sort());
      }),
      { numRuns: 300 },
    );
  });
});

describe('a cycle a new rule would close', () => {
  const proposals = graphs(true).chain((nodes) =>
    fc.record({
      nodes: fc.constant(nodes),
      key: fc.constantFrom(...nodes.map((node) => node.key), 'fresh'),
      named: fc.shuffledSubarray([...nodes.map((node) => node.key), 'fresh', 'missing'], { maxLength: 3 }),
    }),
  );

  it('is found exactly when the rule names the audience itself or one that reaches it', () => {
    fc.assert(
      fc.property(proposals, ({ nodes, key, named }) => {
        const closes = named.some((name) => name === key || reaches(nodes, name, key));
        const cycle = cycleThrough(nodes, key, { rule: naming(named) });
        expect(cycle !== undefined).toBe(closes);
        if (!cycle) return;
        // The cycle runs from the audience back to it along named audiences, the first step by the new rule.
        expect(cycle[0]).toBe(key);
        expect(cycle[cycle.length - 1]).toBe(key);
        expect(named).toContain(cycle[1]);
        for (let step = 1; step < cycle.length - 1; step += 1) {
          const node = nodes.find((candidate) => candidate.key === cycle[step]);
          expect(node && dependenciesOf(node)).toContain(cycle[step + 1]);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads the rule being written rather than the stored one', () => {
    const nodes = [
      { key: 'vip', rule: naming(['buyers']) },
      { key: 'buyers', rule: naming(['vip']) },
    ];
    expect(cycleThrough(nodes, 'buyers', { rule: naming([]) })).toBeUndefined();
    expect(cycleThrough(nodes, 'vip', { rule: naming(['buyers']) })).toEqual(['vip', 'buyers', 'vip']);
  });

  it('settles a deep graph with exponentially many paths without walking each one', () => {
    // 30 layers of two audiences, each naming both of the next layer: 2^30 paths to the bottom.
    const layers = 30;
    const nodes = Array.from({ length: layers }, (_, layer) =>
      ['a', 'b'].map((side) => ({
        key: `${side}${layer}`,
        rule: naming(layer + 1 < layers ? [`a${layer + 1}`, `b${layer + 1}`] : []),
      })),
    ).flat();
    expect(cycleThrough(nodes, 'top', { rule: naming(['a0', 'b0']) })).toBeUndefined();
    expect(cycleThrough(nodes, 'a29', { rule: naming(['a0']) })).toHaveLength(31);
  });
});

describe('the dependents of an audience', () => {
  it('are the audiences whose rules name it', () => {
    const nodes = [
      { key: 'vip', rule: naming(['buyers']) },
      { key: 'lapsed', rule: naming(['buyers', 'vip']) },
      { key: 'buyers' },
    ];
    expect(dependentsOf(nodes, 'buyers')).toEqual(['vip', 'lapsed']);
    expect(dependentsOf(nodes, 'lapsed')).toEqual([]);
  });
});
